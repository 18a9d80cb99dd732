import { Alert } from "../../components/ui/Alert";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import type { Release } from "../../lib/api/types";
import { routes } from "../../lib/routes";
import { kindLabel } from "./states";

/** Under a ship form: why a viewer cannot use it, what went wrong, or the release it started. */
export function ShipOutcome(props: { canShip: boolean; error: unknown; started: Release | null }) {
  return (
    <>
      {!props.canShip ? <p class="small muted">Viewers can watch releases; a maintainer or owner can start them.</p> : null}
      <ErrorMessage error={props.error} />
      {props.started ? (
        <Alert tone="success">
          <p>
            {kindLabel(props.started.kind)} requested. <a href={routes.release(props.started.id)}>Follow it</a> here or in
            the timeline.
          </p>
        </Alert>
      ) : null}
    </>
  );
}
