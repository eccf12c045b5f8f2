// Real-looking personal data, as it turns up in error messages, property values and stack traces. The
// scrubber is built on it, and the pipeline tests prove that no `secret` below appears in any byte that
// Candor stores (the queue files) or sends (request bodies). Each entry embeds its secret in a sentence,
// the way it arrives in practice.

export interface PiiSample {
  /** What kind of personal datum it is. */
  readonly kind: string;
  /** The text a caller hands to Candor. */
  readonly text: string;
  /** The parts that must never be stored or sent. */
  readonly secrets: readonly string[];
}

/** The machine's own names in these tests: the scrubber is told them, as the host tells it the real ones. */
export const TEST_PERSONAL = { userName: 'mkowalczyk', hostName: 'MKOWALCZYK-XPS15', homeDir: '/home/mkowalczyk' } as const;

export const PII_CORPUS: readonly PiiSample[] = [
  { kind: 'email', text: 'Failed to notify jane.doe+vscode@acme-corp.co.uk about the build', secrets: ['jane.doe+vscode@acme-corp.co.uk', 'jane.doe'] },
  { kind: 'email', text: 'git@github.com rejected push from p.nowak@student.uw.edu.pl', secrets: ['p.nowak@student.uw.edu.pl', 'p.nowak'] },
  { kind: 'github token', text: 'auth failed with ghp_R2d4vJq8ZkL0mN3pQ6sT9uW1xY5aB7cD0eF2', secrets: ['ghp_R2d4vJq8ZkL0mN3pQ6sT9uW1xY5aB7cD0eF2'] },
  { kind: 'github fine-grained token', text: 'GITHUB_TOKEN github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789abcdefGHIJKLmnop was revoked', secrets: ['github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789abcdefGHIJKLmnop'] },
  { kind: 'aws key', text: 'The security token included in the request is invalid (AKIAIOSFODNN7EXAMPLE)', secrets: ['AKIAIOSFODNN7EXAMPLE'] },
  { kind: 'aws secret', text: 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', secrets: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'] },
  { kind: 'google key', text: 'Maps request denied for key AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', secrets: ['AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'] },
  { kind: 'slack token', text: 'posting with xoxb-2048-4096-8zQyTqWmRnPkLjHgFdSa failed', secrets: ['xoxb-2048-4096-8zQyTqWmRnPkLjHgFdSa'] },
  { kind: 'stripe key', text: 'Invalid API Key provided: sk_live_51HxYzABcdEFghIJklMNopQR', secrets: ['sk_live_51HxYzABcdEFghIJklMNopQR'] },
  { kind: 'openai key', text: 'Incorrect API key provided: sk-proj-Xa81mQ2zR7vT0pL4nW9kJ3cB6dF5gH1y', secrets: ['sk-proj-Xa81mQ2zR7vT0pL4nW9kJ3cB6dF5gH1y'] },
  { kind: 'npm token', text: '//registry.npmjs.org/:_authToken=npm_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5', secrets: ['npm_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5'] },
  { kind: 'jwt', text: 'token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c expired', secrets: ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'] },
  { kind: 'bearer', text: 'request had Authorization: Bearer 7f3a9c2e-token-Qm9vYmFy.x', secrets: ['7f3a9c2e-token-Qm9vYmFy.x'] },
  { kind: 'basic auth', text: 'header was Basic YWxhZGRpbjpvcGVuc2VzYW1l', secrets: ['YWxhZGRpbjpvcGVuc2VzYW1l'] },
  { kind: 'password', text: 'connect failed: password=Tr0ub4dor&3 for db', secrets: ['Tr0ub4dor'] },
  { kind: 'password in json', text: '{"user":"svc","password":"correct horse"}', secrets: ['correct horse'] },
  { kind: 'private key', text: 'key: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq98TkR\n-----END RSA PRIVATE KEY-----', secrets: ['MIIEowIBAAKCAQEA7bq98TkR'] },
  { kind: 'ipv4', text: 'connect ECONNREFUSED 192.168.17.42:5432', secrets: ['192.168.17.42'] },
  { kind: 'ipv4 public', text: 'blocked request from 81.2.69.160 by firewall', secrets: ['81.2.69.160'] },
  { kind: 'ipv6', text: 'connect ETIMEDOUT 2001:db8:85a3::8a2e:370:7334 port 443', secrets: ['2001:db8:85a3::8a2e:370:7334', '8a2e:370:7334'] },
  { kind: 'ipv6 link-local', text: 'listening on [fe80::1ff:fe23:4567:890a%eth0]:8080', secrets: ['fe80::1ff:fe23:4567:890a'] },
  { kind: 'url with credentials', text: 'clone https://mkowalczyk:s3cr3tP4ss@git.internal.example.com/team/repo.git failed', secrets: ['s3cr3tP4ss', 'git.internal.example.com', 'mkowalczyk'] },
  { kind: 'url with query', text: 'GET https://api.example.org/v2/users?email=anna%40firma.de&session=8f14e45fceea167a5a36dedd4bea2543 returned 500', secrets: ['anna%40firma.de', '8f14e45fceea167a5a36dedd4bea2543', 'api.example.org'] },
  { kind: 'signed url', text: 'upload to https://bucket.s3.amazonaws.com/x?X-Amz-Signature=d2f1a9b8c7e6&X-Amz-Credential=AKIAEXAMPLE timed out', secrets: ['d2f1a9b8c7e6', 'X-Amz-Credential=AKIAEXAMPLE'] },
  { kind: 'posix home path', text: "ENOENT: no such file or directory, open '/home/mkowalczyk/projects/secret-client/src/index.ts'", secrets: ['/home/mkowalczyk', 'secret-client', 'mkowalczyk'] },
  { kind: 'mac path with space', text: 'Cannot find module /Users/Anna Lindqvist/Documents/work/acme/app.js', secrets: ['Anna Lindqvist', 'Lindqvist', '/Users/Anna'] },
  { kind: 'windows path', text: 'EPERM: operation not permitted, rename C:\\Users\\Łukasz.Wiśniewski\\AppData\\Roaming\\Code\\state.json', secrets: ['Łukasz.Wiśniewski', 'Wiśniewski', 'C:\\Users'] },
  { kind: 'windows path with forward slashes', text: 'loading c:/Users/jsmith/repos/payroll/main.py', secrets: ['jsmith', 'payroll'] },
  { kind: 'unc path', text: 'cannot open \\\\FILESRV01\\home$\\rgarcia\\notes.md', secrets: ['FILESRV01', 'rgarcia'] },
  { kind: 'file uri', text: 'diagnostics for file:///home/dev-olga/work/clientX/api.go', secrets: ['dev-olga', 'clientX'] },
  { kind: 'file uri windows', text: 'opened file:///c%3A/Users/hkim/proj/x.rs', secrets: ['hkim'] },
  { kind: 'home tilde', text: 'config at ~/.config/tomasz-private/settings.json is invalid', secrets: ['tomasz-private'] },
  { kind: 'user name alone', text: 'logged in as mkowalczyk on MKOWALCZYK-XPS15', secrets: ['mkowalczyk', 'MKOWALCZYK-XPS15', 'XPS15'] },
  { kind: 'hex digest', text: 'commit 3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b not found', secrets: ['3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b'] },
  { kind: 'generic api key', text: 'x-api-key: 9c4f2e7a1b8d3f6e0a5c9b2d7e4f1a8c rejected', secrets: ['9c4f2e7a1b8d3f6e0a5c9b2d7e4f1a8c'] },
];

/** Every secret of the corpus, for scanning stored and sent bytes. */
export const PII_SECRETS: readonly string[] = PII_CORPUS.flatMap((s) => s.secrets);
