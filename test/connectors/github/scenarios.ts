// A small organisation that exercises every record the connector reads, beyond the demo:
// deploy keys, invitations, PAT grants, SAML, team reviewers, custom roles, topics.
export const RICH_SCENARIO = {
  org: { login: 'acme', defaultRepositoryPermission: 'write', samlSso: true, createdAt: '2024-01-02T03:04:05Z' },
  users: [
    {
      login: 'Owner-One',
      name: 'Olive Owner',
      verifiedDomainEmails: ['olive@acme.example'],
      saml: { nameId: 'olive@acme.example', emails: ['Olive.Owner@acme.example'] },
    },
    { login: 'dev-two', name: 'Dev Two', publicEmail: 'dev2@mail.example', twoFactor: false },
    { login: 'reviewer-three', saml: { nameId: 'r3', emails: [] } },
    { login: 'contractor-x', name: 'Xavier', twoFactor: false },
    { login: 'invitee-y' },
    { login: 'deploy-bot', type: 'Bot' },
  ],
  members: [
    { login: 'Owner-One', role: 'admin' },
    { login: 'dev-two', role: 'member' },
    { login: 'reviewer-three', role: 'member' },
    { login: 'deploy-bot', role: 'member' },
  ],
  teams: [
    { slug: 'platform', members: ['dev-two'], repos: [{ repo: 'api', permission: 'maintain' }] },
    { slug: 'release', parent: 'platform', members: ['reviewer-three'], repos: [{ repo: 'web', permission: 'pull' }] },
  ],
  repos: [
    {
      name: 'api',
      topics: ['Production', 'payments'],
      collaborators: [{ login: 'contractor-x', permission: 'push' }],
      deployKeys: [
        {
          id: 42,
          title: 'ci deploy',
          readOnly: false,
          addedBy: 'Owner-One',
          lastUsed: '2026-11-01T10:00:00Z',
          createdAt: '2026-01-01T00:00:00Z',
        },
        { id: 43, title: 'old mirror', createdAt: '2025-01-01T00:00:00Z', enabled: false },
      ],
      secrets: [{ name: 'DB_URL', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-02-01T00:00:00Z' }],
      environments: [
        { name: 'staging', createdAt: '2026-01-01T00:00:00Z' },
        { name: 'production', reviewers: [{ team: 'release' }], preventSelfReview: false, waitTimer: 5 },
      ],
    },
    {
      name: 'web',
      private: false,
      archived: true,
      collaborators: [
        { login: 'contractor-x', permission: 'triage' },
        { login: 'dev-two', permission: 'admin' },
      ],
      environments: [{ name: 'live', reviewers: [{ user: 'Owner-One' }], preventSelfReview: true }],
    },
    { name: 'warehouse', topics: ['data'] },
  ],
  orgSecrets: [
    { name: 'SHARED', createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z', visibility: 'selected' },
  ],
  invitations: [
    { id: 7, login: 'invitee-y', role: 'admin', createdAt: '2026-11-20T00:00:00Z', inviter: 'Owner-One' },
    {
      id: 8,
      email: 'New.Person@acme.example',
      role: 'direct_member',
      createdAt: '2026-11-21T00:00:00Z',
      inviter: 'Owner-One',
    },
    { id: 9, login: 'contractor-x', role: 'direct_member', createdAt: '2026-11-22T00:00:00Z', inviter: 'Owner-One' },
  ],
  patGrants: [
    {
      id: 1,
      owner: 'dev-two',
      tokenId: 555,
      tokenName: 'local scripts',
      permissions: { organization: { members: 'read' }, repository: { contents: 'write', metadata: 'read' } },
      accessGrantedAt: '2026-06-01T00:00:00Z',
      tokenExpiresAt: '2026-12-01T00:00:00Z',
      tokenLastUsedAt: '2026-11-28T00:00:00Z',
    },
    {
      id: 2,
      owner: 'contractor-x',
      tokenId: 556,
      tokenName: 'expired one',
      accessGrantedAt: '2026-01-01T00:00:00Z',
      tokenExpiresAt: '2026-03-01T00:00:00Z',
    },
  ],
  organizationRoles: [
    {
      id: 8136,
      name: 'security_manager',
      source: 'Predefined',
      baseRole: 'read',
      permissions: ['read_organization_custom_org_role'],
      users: ['dev-two'],
    },
    {
      id: 8137,
      name: 'release-admins',
      baseRole: 'maintain',
      permissions: ['write_organization_actions_settings'],
      teams: ['platform'],
    },
  ],
  installations: [
    {
      id: 71,
      appId: 7001,
      appSlug: 'acme-release-bot',
      appName: 'Acme release bot',
      owner: 'acme',
      repositorySelection: 'selected',
      permissions: { contents: 'read', metadata: 'read' },
      createdAt: '2026-02-01T00:00:00Z',
    },
    {
      id: 72,
      appId: 7002,
      appSlug: 'shipfast-ci',
      appName: 'ShipFast CI',
      owner: 'shipfast-io',
      permissions: { contents: 'write', metadata: 'read', workflows: 'write' },
      createdAt: '2026-10-01T00:00:00Z',
    },
    {
      id: 73,
      appId: 7003,
      appSlug: 'hidden-helper',
      appName: 'Hidden helper',
      owner: null,
      permissions: { administration: 'write' },
      createdAt: '2026-11-01T00:00:00Z',
    },
  ],
};
