"""The suite's own counterpart servers, on one origin B: did:web documents and status lists
(host.py), two OpenID4VCI issuers and an OpenID4VP verifier (issuer.py, verifier.py) for
testing wallets, with every inbound request recorded (recording.py); server.py composes them,
config.py turns the command-line options into a bind address and B."""
