"""Worksheet templates ("Arbeitsvorlagen"): the table a lesson's process step asks for, as
an editable ``.docx`` and a fillable PDF, and the course owner's own file where the course
files carry one."""
