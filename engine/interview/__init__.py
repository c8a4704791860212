"""The question flow shared by the operator's page and `shequn interview`."""
