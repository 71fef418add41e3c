"""Households, persons, their membership of organisations, and the land parcels they hold."""
