"""The consortium's governance: departments propose, approve (m of n) and execute admin calls."""
