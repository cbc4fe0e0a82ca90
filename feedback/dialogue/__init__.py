"""The dialogue after feedback (issue 14): the read receipt, the learner's one follow-up
question and its answer, how helpful the learner found the feedback, and the history of
a resubmission's feedback. Rules in use-case modules that flush, never commit.
"""
