"""`shequn serve`: the operator's page and the HTTP API, one ASGI app around one Engine."""
