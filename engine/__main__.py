"""`python -m shequn …` runs the command line."""
from shequn.cli.main import main

main()
