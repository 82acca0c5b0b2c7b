"""The trackers' reads, one module per thing read (each given the acting user where student
data is involved, and filtered through ``masterly.roster.access``):

- ``trackers``: which trackers a user may open, score or change; recompute progress;
- ``tracker_list``: the tracker list page's rows and the classes a tracker may be built on;
- ``students``: a tracker's students as a user sees them (chosen, pinned, by section);
- ``grid``: the students × standards grid (columns, cells, colours);
- ``cells``: one cell's evidence, overrides and explained calculation;
- ``score_entry``: the score-entry table of one assessment;
- ``collaborators``: what collaborators see, and the teachers an owner may invite.
"""
