"""Office hours ("Dozentensprechstunde"): tutors publish when they can be booked, coaching
participants book an hour within what their package allows.

* ``coaching.office_hours.models``  the tables (weekly series, slots, bookings)
* ``coaching.office_hours.availability``  tutors offer one-off slots and weekly series (laid
  out up to the horizon; the worker's daily job lays them out further)
* ``coaching.office_hours.withdrawal``  withdrawing a slot or ending a series, unless booked
* ``coaching.office_hours.offered``, ``offer_form``  the tutor's page: what it lists, what
  its forms send
* ``coaching.office_hours.notices``  the emails a booking's change sends to learner and tutor
* ``coaching.office_hours.calendar``  their iCalendar invitation (REQUEST / CANCEL)
* ``coaching.office_hours.reminders``  the worker's reminder before a booked hour
"""
