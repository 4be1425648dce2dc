"""Who knew what, when: the web layer over vigil.core.knowledge."""
