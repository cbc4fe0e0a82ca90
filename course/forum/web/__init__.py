"""The forum's pages, one module per use case (threads, posts, subscriptions,
moderation), all adding their routes to the one router of ``course.forum.web.router``."""
