"""Office hours ("Dozentensprechstunde"): tutors publish when they can be booked, coaching
participants book an hour within what their package allows.

* ``coaching.office_hours.models``  the tables (weekly series, slots, bookings)
"""
