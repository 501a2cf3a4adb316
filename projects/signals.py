"""What the projects app asks of the apps above it.

The quarterly campaign notice (季度通报: 落地率、到位率) is issued and frozen by the assessments
app, which connects its receiver here in ``AssessmentsConfig.ready()``; the projects app imports
nothing of it (apps depend one way: ``fdi_portal`` < ``tasks`` < ``projects`` < ``assessments``).
"""

from __future__ import annotations

from django.dispatch import Signal

#: Which months of arrivals has an issued document reported? Keyword arguments: ``city_ids``
#: and ``years`` (sets). A receiver returns {(city id, year): the last month reported}; a
#: change of an arrival up to that month changes what was published, so it needs a reason.
arrivals_reported = Signal()
