"""The feedback promise (issue 14): the date by which a learner gets feedback, shown
before and after submitting, kept in view before it slips, and reported. Rules in
use-case modules that flush, never commit:

* ``models``   - promises, their events, tutors' weekly capacity, the report's tally
* ``rule``     - the promised date from the target, the holidays and the queue (pure)
* ``load``     - the queue as it stands: waiting submissions and stated capacity (one query)
* ``desk``     - what the submission pages ask (``uploads.promised.PROMISE_DESK``): quote
  a date, record it with a new version, read the dates of a learner's versions
* ``capacity`` - a tutor's stated feedbacks per week in an LMS course
* ``change``   - a tutor or admin announces a new date with a reason; the learner is told
* ``outcome``  - kept or missed, when the feedback is released; counted for the report
* ``warnings`` - the periodic job that warns the course's staff before a date passes
* ``report``   - the admins' figures (on-time rate, turnaround, at risk) per course, tutor
  and month; ``charts`` draws them as SVG; ``export`` writes them as CSV
* ``views``    - what the review page's block, the capacity page and the report show
* ``routes``   - those pages and forms
"""
