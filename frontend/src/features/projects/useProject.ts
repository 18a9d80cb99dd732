import { UserFacingError } from "../../lib/api/errors";
import { useResource } from "../../lib/hooks";
import type { Project, Team } from "../../lib/api/types";
import { getTeam } from "../teams/api";
import { getProject } from "./api";

export interface ProjectContext {
  project: Project;
  team: Team;
}

/** The project named in the page's query, with its team (for the caller's role). */
export function useProject(projectId: string | null) {
  return useResource<ProjectContext>(async (signal) => {
    if (!projectId) throw new MissingParam("project");
    const project = await getProject(projectId, signal);
    const team = await getTeam(project.team_id, signal);
    return { project, team };
  }, [projectId]);
}

export class MissingParam extends UserFacingError {
  constructor(what: string) {
    super(`This address does not name a ${what}. Open it from the dashboard.`);
  }
}
