"""`ler-interop diff OLD NEW`: what changed between two runs, per vendor and check (issue 14).

load.py finds and reads a stream (a results.jsonl or a report folder), compare.py classifies
every check execution and the verdicts, render.py prints the table or the JSON document,
command.py is the CLI glue.
"""
