"""The entity graph as a user may see it: an entity's profile and neighbourhood, communities."""
