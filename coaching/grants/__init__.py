"""Grants: a coaching package given to a person in one LMS course (coaching issue §1).

A grant names its person either by LMS user (someone who has launched in the course:
``lti.service.course_members``) or by email before their first launch. An email that
already belongs to exactly one member is bound to them at once; otherwise the grant
waits, and ``coaching.entitlements`` binds it when a launch brings that email.

Grant, revoke and extend are the three changes; each writes its audit entry in the same
transaction. Every way of granting (the form, the CSV import, the roster, the CLI) takes
``lock_course_grants`` before it reads the course's grants, so two at the same moment
cannot give one person the same package twice. Grants are scoped by course: every
lookup by id names the course, so an id from another course (or platform) is simply
not found.

Split by use case, each in a module of its own:

* ``coaching.grants.grantees``      the course and the person a grant names
* ``coaching.grants.reading`` a grant by id, a person's open grants, the course's list
* ``coaching.grants.changes`` the checks of a new grant, the course's grant lock;
  grant, revoke, extend
* ``coaching.grants.form``    the admin page's grant form
"""
