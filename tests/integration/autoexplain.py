"""auto_explain's JSON plans in a PostgreSQL log (auto_explain.log_format=json), for
the tests that check from the executed plans what a statement read."""
import json
import re


def plans(path):
    """Every plan document logged in the file at path, in order."""
    text = open(path, encoding="utf-8", errors="replace").read()
    dec = json.JSONDecoder()
    for m in re.finditer(r"plan:\s*\n?", text):
        try:
            doc, _ = dec.raw_decode(text, m.end())
        except ValueError:
            continue
        yield doc


def rows_read(node, relation, scans_only=False):
    """Rows the plan's scans of relation read (returned, filtered out or removed
    on recheck), times their loops; with scans_only, not the rows an INSERT,
    UPDATE or DELETE of relation (its ModifyTable node) wrote."""
    r = 0
    if node.get("Relation Name") == relation and not (scans_only and node.get("Node Type") == "ModifyTable"):
        r += (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
              + node.get("Rows Removed by Index Recheck", 0)) * node.get("Actual Loops", 1)
    return r + sum(rows_read(c, relation, scans_only) for c in node.get("Plans", []))
