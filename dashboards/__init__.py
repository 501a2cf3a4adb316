"""The top layer: the home pages and dashboards that combine plans (tasks), projects and figures
(assessments). No app imports it; the root URLconf (fdi_portal/urls.py) serves its pages."""
