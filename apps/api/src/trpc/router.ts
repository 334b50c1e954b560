import { apiKeysRouter } from "./routers/api-keys";
import { classificationRouter } from "./routers/classification";
import { eventsRouter } from "./routers/events";
import { exportsRouter } from "./routers/exports";
import { invitationsRouter } from "./routers/invitations";
import { meRouter } from "./routers/me";
import { membersRouter } from "./routers/members";
import { organizationsRouter } from "./routers/organizations";
import { platformRouter } from "./routers/platform";
import { retentionRouter } from "./routers/retention";
import { settingsRouter } from "./routers/settings";
import { router } from "./trpc";

export const appRouter = router({
  me: meRouter,
  organizations: organizationsRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  events: eventsRouter,
  exports: exportsRouter,
  apiKeys: apiKeysRouter,
  settings: settingsRouter,
  platform: platformRouter,
  retention: retentionRouter,
  classification: classificationRouter,
});

export type AppRouter = typeof appRouter;
