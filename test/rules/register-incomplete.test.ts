import { registerIncomplete } from '../../src/rules/register-incomplete.js';
import { account, approval, context, contractor, dana, day, grant, register } from '../support/builders.js';
import { ruleTester } from './tester.js';

const jun = account({ id: 'jun-park' });
const analytics = grant({ account: 'jun-park', resource: 'northwind/analytics' });
const withEnd = approval({ scope: 'northwind/analytics' });
const { end: _end, ...noEnd } = withEnd;
/** An employee whose last day was yesterday. */
const ex = { id: 'ex', name: 'Ex Employee', kind: 'employee', emails: ['ex@northwind.example'], end: day(-1) };

ruleTester(registerIncomplete, {
  fires: [
    {
      name: 'a contractor approval without an end date',
      context: context({
        accounts: [jun],
        grants: [analytics],
        register: register({
          people: [dana, contractor('jun', { accounts: { github: 'jun-park' }, grants: [noEnd] })],
        }),
      }),
      expect: [
        {
          account: '',
          person: 'jun',
          resource: 'northwind/analytics',
          evidence: ['no end date', `started ${day(-30)}`],
        },
      ],
    },
    {
      name: 'a contractor without an owner',
      context: context({
        register: register({ people: [dana, contractor('jun', { owner: undefined, grants: [withEnd] })] }),
      }),
      expect: [{ account: '', person: 'jun', evidence: ['a contractor without an owner'] }],
    },
    {
      name: 'an owner, an approver and a lanes exception’s approver who are not employees (an employee who became a contractor)',
      context: context({
        register: register({
          people: [
            dana,
            contractor('jun', { grants: [withEnd] }),
            contractor('sam', {
              owner: 'jun',
              grants: [approval({ approved_by: 'jun' })],
              lanes_exception: { reason: 'Small team, one person', approved_by: 'jun', end: day(30) },
            }),
          ],
          shared_accounts: [
            { system: 'github', id: 'deploy-bot', kind: 'bot', owner: 'jun', purpose: 'deploys the shop', users: [] },
          ],
        }),
      }),
      expect: [
        { account: '', person: 'sam', evidence: ['owner jun is a contractor: only an employee answers for access'] },
        {
          account: '',
          person: 'sam',
          resource: 'northwind/shop',
          evidence: ['approved by jun, a contractor: only an employee approves access'],
        },
        { account: '', person: 'sam', evidence: ['lanes exception approved by jun, a contractor'] },
        {
          account: 'deploy-bot',
          evidence: ['owner jun is a contractor: no employee answers for the bot account deploy-bot'],
        },
      ],
    },
    {
      name: 'an owner who has left the company',
      context: context({
        register: register({ people: [{ ...dana, end: day(-30) }, contractor('jun', { grants: [withEnd] })] }),
      }),
      expect: [{ account: '', person: 'jun', evidence: [`owner dana left on ${day(-30)}`] }],
    },
    {
      name: 'a declared bot whose owner has left, whatever it holds',
      context: context({
        accounts: [account({ id: 'deploy-bot' })],
        grants: [grant({ account: 'deploy-bot', resource: 'northwind/shop', level: 'write' })],
        register: register({
          people: [dana, ex],
          shared_accounts: [
            { system: 'github', id: 'deploy-bot', kind: 'bot', owner: 'ex', purpose: 'deploys the shop', users: [] },
          ],
        }),
      }),
      expect: [
        {
          account: 'deploy-bot',
          evidence: ['declared bot account deploy-bot on github', `owner ex left on ${day(-1)}`],
        },
      ],
    },
    {
      name: 'a live approval whose approver has left',
      context: context({
        register: register({
          people: [dana, ex, contractor('jun', { grants: [approval({ approved_by: 'ex' })] })],
        }),
      }),
      expect: [
        {
          account: '',
          person: 'jun',
          resource: 'northwind/shop',
          evidence: ['approval "Fix the payment step on phones"', `approved by ex, who left on ${day(-1)}`],
        },
      ],
    },
    {
      name: 'a task too vague to review',
      context: context({
        register: register({ people: [dana, contractor('jun', { grants: [approval({ task: 'dashboards' })] })] }),
      }),
      expect: [{ account: '', person: 'jun', evidence: ['the task "dashboards" is 1 word(s)'] }],
    },
    {
      name: 'a contractor with no grants whose account holds access',
      context: context({
        accounts: [jun],
        grants: [analytics],
        register: register({ people: [dana, contractor('jun', { accounts: { github: 'jun-park' } })] }),
      }),
      expect: [
        {
          account: '',
          person: 'jun',
          evidence: ['no approved grant', 'github jun-park holds write (push) on northwind/analytics'],
        },
      ],
    },
  ],
  quiet: [
    {
      name: 'a complete contractor entry',
      context: context({
        accounts: [jun],
        grants: [analytics],
        register: register({
          people: [dana, contractor('jun', { accounts: { github: 'jun-park' }, grants: [withEnd] })],
        }),
      }),
    },
    {
      name: 'employees need neither grants nor end dates',
      context: context({
        accounts: [account({ id: 'dana-w' })],
        grants: [grant({ account: 'dana-w', resource: 'northwind/shop' })],
        register: register({ people: [{ ...dana, accounts: { github: 'dana-w' }, grants: [noEnd] }] }),
      }),
    },
    {
      name: 'an owner and an approver whose last day is today',
      context: context({
        register: register({
          people: [{ ...dana, end: day(0) }, contractor('jun', { grants: [approval({ approved_by: 'dana' })] })],
        }),
      }),
    },
    {
      name: 'an approval that ended before anyone asked who owns it',
      context: context({
        register: register({
          people: [
            dana,
            ex,
            contractor('jun', { grants: [approval({ approved_by: 'ex', start: day(-90), end: day(-10) })] }),
          ],
        }),
      }),
    },
    {
      name: 'an engagement that has ended, whose owner left or became a contractor since',
      context: context({
        register: register({
          people: [
            dana,
            ex,
            contractor('kim'),
            contractor('jun', { owner: 'ex', end: day(-5), grants: [approval({ start: day(-90), end: day(-5) })] }),
            contractor('sam', {
              owner: 'kim',
              end: day(-5),
              grants: [approval({ approved_by: 'kim', start: day(-90), end: day(-5) })],
            }),
          ],
        }),
      }),
    },
    {
      name: 'an approval given by an employee who has since become a contractor, which has ended',
      context: context({
        register: register({
          people: [
            dana,
            contractor('kim'),
            contractor('jun', {
              grants: [approval({ approved_by: 'kim', start: day(-90), end: day(-10) })],
              lanes_exception: { reason: 'Small team, one person', approved_by: 'kim', end: day(-10) },
            }),
          ],
        }),
      }),
    },
    {
      name: 'the approvals of an earlier engagement (a contractor re-hired), before the current one starts',
      context: context({
        register: register({
          people: [
            dana,
            contractor('jun', {
              start: day(-20),
              grants: [approval({ start: day(-200), end: day(-100) }), approval({ start: day(-20), end: day(60) })],
            }),
          ],
        }),
      }),
    },
    {
      name: 'a declared bot whose owner is here, or whose last day is today',
      context: context({
        register: register({
          people: [{ ...dana, end: day(0) }],
          shared_accounts: [
            { system: 'github', id: 'deploy-bot', kind: 'bot', owner: 'dana', purpose: 'deploys the shop', users: [] },
          ],
        }),
      }),
    },
    {
      name: 'a contractor with no grants and no access',
      context: context({ register: register({ people: [dana, contractor('jun')] }) }),
    },
  ],
});
