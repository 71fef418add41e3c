"""The append-only action log: who did what to which object, when and from where."""
