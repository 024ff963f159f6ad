// The emulator's answers must be what @slack/web-api's own response types describe: a field
// renamed or retyped in wire.ts fails `tsc --noEmit` here.
import type {
  ConversationsListResponse,
  ConversationsMembersResponse,
  TeamInfoResponse,
  UsersInfoResponse,
  UsersListResponse,
} from '@slack/web-api';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  WireConversationsList,
  WireConversationsMembers,
  WireTeamInfo,
  WireUsersInfo,
  WireUsersList,
} from '../../../connectors/slack/emulator/wire.js';

describe('slack emulator wire shapes', () => {
  it('are assignable to the SDK response types', () => {
    expectTypeOf<WireUsersList>().toExtend<UsersListResponse>();
    expectTypeOf<WireConversationsList>().toExtend<ConversationsListResponse>();
    expectTypeOf<WireConversationsMembers>().toExtend<ConversationsMembersResponse>();
    expectTypeOf<WireTeamInfo>().toExtend<TeamInfoResponse>();
    expectTypeOf<WireUsersInfo>().toExtend<UsersInfoResponse>();
  });
});
