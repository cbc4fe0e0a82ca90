"""The tutor's workbench, server side (issue 13): the annotations a tutor makes on a
submission's PDF, and the annotated PDF a release hands to the learner.

* ``models``      - the table: one annotation set per submission version
* ``document``    - the set's JSON shape and its limits (the client's contract)
* ``geometry``    - a version's pages as annotations see them (boxes, rotation)
* ``annotations`` - read and save a set: staff only, the claim, optimistic concurrency
* ``routes``      - the JSON API (GET, PUT) and the annotated PDF's preview
"""
