/**
 * Social login scopes: when Facebook Login is in the app, the Graph API permissions whose names
 * appear as string constants in its code — the data a login can ask the user to hand over (the
 * kind a Cambridge-Analytica-style quiz app harvested). Names from Meta's permissions reference
 * (https://developers.facebook.com/docs/permissions), including the Graph API v1 `friends_*` and
 * other since-removed permissions, which still show intent in old or copied code.
 *
 * A string constant is not proof the login asks for it (and `email` is a common word): the report
 * says "appears in code", not "requested".
 */
import type { Evidence } from '../evidence/types.js';
import type { TrackerEvidence, TrackerFinding } from './trackers.js';

export const FACEBOOK_LOGIN_SDK = 'facebook-login';

export const FACEBOOK_GRAPH_PERMISSIONS: readonly string[] = [
  // current
  'public_profile',
  'email',
  'user_friends',
  'user_likes',
  'user_location',
  'user_hometown',
  'user_birthday',
  'user_age_range',
  'user_gender',
  'user_link',
  'user_photos',
  'user_posts',
  'user_videos',
  'user_events',
  'user_messenger_contact',
  'groups_access_member_info',
  'publish_to_groups',
  'pages_show_list',
  'pages_read_engagement',
  'pages_manage_posts',
  'read_insights',
  'instagram_basic',
  // removed (Graph API v1/v2 era)
  'friends_likes',
  'friends_location',
  'friends_birthday',
  'friends_photos',
  'friends_relationships',
  'friends_religion_politics',
  'user_relationships',
  'user_relationship_details',
  'user_religion_politics',
  'user_education_history',
  'user_work_history',
  'user_about_me',
  'user_status',
  'user_tagged_places',
  'user_managed_groups',
  'read_stream',
  'read_mailbox',
  'read_custom_friendlists',
  'publish_actions',
];

/** Adds a `login-scope` evidence item to the Facebook Login finding when scope names appear in code. */
export function attachLoginScopes(findings: TrackerFinding[], ev: Evidence): void {
  const login = findings.find((f) => f.id === FACEBOOK_LOGIN_SDK);
  if (!login) return;
  const found = FACEBOOK_GRAPH_PERMISSIONS.filter((p) => ev.stringHits.has(p)).sort();
  if (!found.length) return;
  const item: TrackerEvidence = {
    kind: 'login-scope',
    searchedFor: 'Graph API permission names',
    count: found.length,
    examples: found,
    locations: found.map((p) => ({ entry: ev.stringHits.get(p)![0], location: `string "${p}"`, collector: 'dex' })),
  };
  login.evidence.push(item);
}
