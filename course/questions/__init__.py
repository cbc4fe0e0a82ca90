"""Ask the lecturer: a learner's private question about a lesson, the tutors' inbox and
answer, and publishing a question as an FAQ entry."""
