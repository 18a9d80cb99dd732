import { useState } from "preact/hooks";
import { ConfirmButton } from "../../components/ui/ConfirmButton";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Field, SelectField } from "../../components/ui/Field";
import { Loading } from "../../components/ui/Loading";
import type { Member, Role, Team, User } from "../../lib/api/types";
import { formValues, useResource, useSubmit } from "../../lib/hooks";
import { routes } from "../../lib/routes";
import { addMember, listMembers, removeMember, updateMember } from "./api";

const ROLE_OPTIONS: { value: Role; label: string }[] = [
  { value: "viewer", label: "Viewer — reads everything" },
  { value: "maintainer", label: "Maintainer — also ships and manages projects" },
  { value: "owner", label: "Owner — also manages members and deletes" },
];

export function Members(props: { team: Team; me: User | undefined }) {
  const { team, me } = props;
  const isOwner = team.role === "owner";
  const members = useResource((signal) => listMembers(team.id, signal), [team.id]);
  const [notice, setNotice] = useState<string | null>(null);
  const add = useSubmit(async (email: string, role: Role) => {
    await addMember(team.id, email, role);
    setNotice(`${email} was added as ${role}.`);
    members.reload();
  });
  const change = useSubmit(async (member: Member, role: Role) => {
    await updateMember(team.id, member.user_id, role);
    setNotice(`${member.name} is now ${role}.`);
    members.reload();
  });
  const remove = useSubmit(async (member: Member) => {
    await removeMember(team.id, member.user_id);
    if (me && member.user_id === me.id) {
      window.location.assign(routes.dashboard());
      return;
    }
    setNotice(`${member.name} was removed from the team.`);
    members.reload();
  });

  return (
    <section class="card section" aria-labelledby="members-title">
      <div class="section-head">
        <h2 id="members-title">Members</h2>
      </div>
      {!isOwner ? <p class="small muted">Only owners change members and roles. You can leave the team.</p> : null}
      {members.loading && !members.data ? <Loading label="Loading members…" /> : null}
      <ErrorMessage error={members.error} onRetry={members.reload} />
      <ErrorMessage error={change.error ?? remove.error} />
      <p role="status" class="small">
        {notice ?? ""}
      </p>
      {members.data ? (
        <div class="table-wrap">
          <table class="responsive">
            <caption class="visually-hidden">Members of {team.name}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data.map((m) => {
                const self = me?.id === m.user_id;
                return (
                  <tr key={m.user_id}>
                    <td data-label="Name">
                      {m.name}
                      {self ? <span class="muted"> (you)</span> : null}
                    </td>
                    <td data-label="Email">{m.email}</td>
                    <td data-label="Role">
                      {isOwner ? (
                        <select
                          aria-label={`Role of ${m.name}`}
                          value={m.role}
                          disabled={change.pending}
                          onChange={(e) => void change.run(m, (e.currentTarget as HTMLSelectElement).value as Role)}
                        >
                          {ROLE_OPTIONS.map((o) => (
                            <option key={o.value} value={o.value}>
                              {o.value}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <span class="role">{m.role}</span>
                      )}
                    </td>
                    <td data-label="Actions">
                      {isOwner || self ? (
                        <ConfirmButton
                          label={self ? "Leave team" : "Remove"}
                          confirmLabel={self ? "Yes, leave" : "Yes, remove"}
                          question={self ? `Leave ${team.name}?` : `Remove ${m.name} from ${team.name}?`}
                          busy={remove.pending}
                          onConfirm={() => void remove.run(m)}
                        />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {isOwner ? (
        <form
          noValidate
          aria-labelledby="add-member-title"
          aria-busy={add.pending}
          onSubmit={async (e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const v = formValues(form);
            setNotice(null);
            if (await add.run(v.email ?? "", (v.role as Role) ?? "viewer")) form.reset();
          }}
        >
          <h3 id="add-member-title" style={{ marginTop: "1.25rem" }}>
            Add a member
          </h3>
          <p class="small muted">They need a Shipdeck account first.</p>
          <ErrorMessage error={Object.keys(add.fieldErrors).length ? null : add.error} />
          <div class="inline-fields">
            <Field label="Email" name="email" type="email" required autoComplete="off" error={add.fieldErrors.email} />
            <SelectField label="Role" name="role" options={ROLE_OPTIONS} defaultValue="maintainer" error={add.fieldErrors.role} />
          </div>
          <button type="submit" disabled={add.pending}>
            {add.pending ? "Adding…" : "Add member"}
          </button>
        </form>
      ) : null}
    </section>
  );
}
