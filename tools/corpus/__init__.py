"""The labelled credential corpus under fixtures/credentials/corpus/ (issue 13).

`python -m tools.corpus [family ...]` regenerates the suite-signed families: one module per
family, `family_<name>.py`, each with FAMILY, ABOUT and `build(c: Corpus)`. Keys are made fresh
at every run and only their public halves are written. The `third-party` family is written by
Node (`make corpus-third-party`, peers/corpus/) with third-party libraries, not by this package.
`tests/test_corpus.py` runs `ler-interop verify` over every family and asserts every label.
"""
