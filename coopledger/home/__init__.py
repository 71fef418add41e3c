"""The home page of each kind of user, and the language switch."""
