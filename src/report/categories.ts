/** How every encoder names the signature categories, in display order (what matters most to a reader first). */
import type { Category } from '../signatures/types.js';

export const CATEGORY_TITLES: Readonly<Record<Category, string>> = {
  location: 'Location and beacons',
  advertising: 'Advertising',
  attribution: 'Attribution (install and campaign tracking)',
  analytics: 'Analytics',
  profiling: 'Profiling and data brokers',
  identification: 'Identification and fingerprinting',
  'session-replay': 'Session replay',
  'crash-reporting': 'Crash reporting',
  performance: 'Performance monitoring',
  engagement: 'Engagement and push messaging',
  social: 'Social login and sharing',
  consent: 'Consent management (not a tracker)',
  library: 'Other libraries inside (not trackers)',
};

export const CATEGORY_ORDER = Object.keys(CATEGORY_TITLES) as Category[];

export function categoryTitle(c: string): string {
  return (CATEGORY_TITLES as Record<string, string>)[c] ?? c;
}
