"""The question flow shared by the operator's page and `shequn interview`.

    from shequn.interview.flow import State, next_block, answer, evaluate, overview, facts_yaml

`flow.py` is the flow (the state, the next block of questions in the
report's ranking, answers applied, the report in a few lines, the facts
file); `fields.py` describes a question for an input; `answers.py` puts
answers into the facts, where the facts model reads and checks them;
`text.py` holds the interview's words in English and Chinese.
"""
