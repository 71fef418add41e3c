"""Background jobs: long work run by huey workers, with a record the user can follow."""
