import {
  Button,
  Form,
  InlineLoading,
  Select,
  SelectItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
  TextInput,
} from '@carbon/react';
import type { MemberJson, MemberRole } from '@platform/api-types';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useProjectId, useSession } from '../../api/session';
import { useRequest } from '../../api/use-request';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { lengthProblem } from './field-limits';

const ROLES: readonly MemberRole[] = ['admin', 'editor', 'viewer'];

/**
 * The current project's members (`GET /v2/projects/{id}/members`): add one (`POST`), change a role (`PATCH`), remove
 * one (`DELETE …/members/{user_name}`). Only project admins may change them; the gateway's refusal says so.
 */
export default function MembersPage() {
  const projectId = useProjectId();
  const { user } = useSession();
  const base = `/v2/projects/${encodeURIComponent(projectId)}/members`;
  const list = useRequest((signal) => api<{ members: MemberJson[] }>(base, { signal }), [base]);
  const [userName, setUserName] = useState('');
  const [role, setRole] = useState<MemberRole>('editor');
  const [error, setError] = useState<{ title: string; error: unknown } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const nameProblem = lengthProblem('User name', userName, 128, true);

  const change = async (key: string, title: string, call: () => Promise<unknown>) => {
    setBusy(key);
    setError(null);
    try {
      await call();
      list.reload();
      return true;
    } catch (err) {
      setError({ title, error: err });
      return false;
    } finally {
      setBusy(null);
    }
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (nameProblem) return;
    const name = userName.trim();
    const added = await change('add', `${name} could not be added`, () =>
      api(base, { method: 'POST', body: { members: [{ user_name: name, role }] } }),
    );
    if (added) setUserName('');
  };

  return (
    <>
      <PageHeader title="Members">
        Who may use this project: admins manage it, editors create and change its resources, viewers read them.
      </PageHeader>
      <Stack gap={8}>
        {list.error !== null && <ErrorNotice error={list.error} title="The members could not be loaded" />}
        {error && <ErrorNotice error={error.error} title={error.title} onClose={() => setError(null)} />}
        {list.loading && !list.data ? (
          <InlineLoading description="Loading members…" />
        ) : (
          <TableContainer title="Project members">
            <Table aria-label="Project members" size="md">
              <TableHead>
                <TableRow>
                  <TableHeader>User</TableHeader>
                  <TableHeader>Role</TableHeader>
                  <TableHeader>
                    <span className="visually-hidden">Actions</span>
                  </TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {(list.data?.members ?? []).map((m) => (
                  <TableRow key={m.user_name} data-member={m.user_name}>
                    <TableCell>
                      {m.user_name}
                      {m.user_name === user?.username ? ' (you)' : ''}
                    </TableCell>
                    <TableCell>
                      <Select
                        id={`member-role-${m.user_name}`}
                        labelText={`Role of ${m.user_name}`}
                        hideLabel
                        size="sm"
                        value={m.role}
                        disabled={busy !== null}
                        onChange={(e) =>
                          void change(`role-${m.user_name}`, `The role of ${m.user_name} could not be changed`, () =>
                            api(base, { method: 'PATCH', body: { members: [{ user_name: m.user_name, role: e.target.value }] } }),
                          )
                        }
                      >
                        {ROLES.map((r) => (
                          <SelectItem key={r} value={r} text={r} />
                        ))}
                      </Select>
                    </TableCell>
                    <TableCell>
                      <Button
                        kind="danger--ghost"
                        size="sm"
                        disabled={busy !== null}
                        onClick={() =>
                          void change(`remove-${m.user_name}`, `${m.user_name} could not be removed`, () =>
                            api(`${base}/${encodeURIComponent(m.user_name)}`, { method: 'DELETE' }),
                          )
                        }
                      >
                        {m.user_name === user?.username ? 'Leave project' : `Remove ${m.user_name}`}
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
        <Form onSubmit={add} aria-label="Add a member" className="narrow-form">
          <Stack gap={6}>
            <h2 className="cds--type-heading-03">Add a member</h2>
            <TextInput
              id="member-user-name"
              labelText="User name"
              value={userName}
              onChange={(e) => setUserName(e.target.value)}
              invalid={userName !== '' && nameProblem !== null}
              invalidText={nameProblem ?? ''}
            />
            <Select id="member-role" labelText="Role" value={role} onChange={(e) => setRole(e.target.value as MemberRole)}>
              {ROLES.map((r) => (
                <SelectItem key={r} value={r} text={r} />
              ))}
            </Select>
            <Button type="submit" disabled={busy !== null || nameProblem !== null}>
              {busy === 'add' ? 'Adding…' : 'Add member'}
            </Button>
          </Stack>
        </Form>
      </Stack>
    </>
  );
}
