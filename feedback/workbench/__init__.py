"""The tutor's workbench, server side (issue 13): the annotations a tutor makes on a
submission's PDF, and the annotated PDF a release hands to the learner.

* ``models``      - the table: one annotation set per submission version
* ``document``    - the set's JSON shape and its limits (the client's contract)
* ``geometry``    - a version's pages as annotations see them (boxes, rotation)
* ``annotations`` - read and save a set: staff only, the claim, optimistic concurrency
* ``appearance``  - how each kind of annotation looks in the PDF (appearance streams)
* ``writer``      - the annotations written into a copy of the learner's PDF (pikepdf)
* ``annotated``   - that PDF for the release (checked, stored) and for the preview
* ``errors``      - the refusals (JSON in the routes)
* ``routes``      - the JSON API (GET, PUT) and the annotated PDF's preview
"""
