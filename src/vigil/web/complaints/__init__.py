"""The complaints and findings register: intake (signed in or anonymous), findings, escalations."""
