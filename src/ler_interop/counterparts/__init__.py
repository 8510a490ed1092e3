"""The suite's own counterpart servers (did:web documents, status lists) on loopback."""
