"""The community defensorías of the case route (issue #11, item 1): service points, volunteer
defenders, the annual work plan (PTA) by component and its events with their attendance."""
