"""Sub-commands of `vigil`, each module exposing `register(app)`."""
