"""Users, role assignments, login and the permission rules of DESIGN §10."""
