"""The tamper-evident audit log: who did what to which records, when and why."""
