"""The peer lab (third-party implementations in peers/): harness in lab_peers.py, expected
outcomes in lab_outcomes.py. Every test here skips with one line without Node or `make peers`."""
