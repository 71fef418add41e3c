"""Townships, villages and the organisations whose books coopledger keeps."""
