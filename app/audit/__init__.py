"""The audit log: who did what to which target, when, why, before and after."""
