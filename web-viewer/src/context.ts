// What every screen of the panel shares: the map and its overlays, who is signed in, the
// address bar (every screen has a shareable URL), and the map's click, which the open screen
// may take over (picking parcels, drawing lines).

import type * as maplibregl from 'maplibre-gl';
import type { Overlays } from './overlay';

export interface Me {
  id: number;
  username: string;
  roles: string[];
  name_ar?: string | null;
  name_en?: string | null;
}

/** A screen of the panel and what it needs, as kept in the page's address. */
export interface Route {
  view: 'city' | 'signin' | 'requests' | 'queue' | 'request' | 'new' | 'parcel' | 'history';
  request?: number;
  parcel?: number;
  kind?: 'subdivision' | 'merge';
  parcels?: number[];
}

export interface Ctx {
  map: maplibregl.Map;
  overlays: Overlays;
  me: Me | null;
  /** Opens a screen (and puts it in the address). */
  go(route: Route): void;
  /** The element screens render into. */
  work: HTMLElement;
  /** Set by a screen that takes the map's clicks; cleared when another screen opens. */
  onMapClick: ((at: [number, number]) => void) | null;
  /** Reloads the city's tiles (after an approval: the new parcels, without reloading the page). */
  refreshTiles(): void;
}

export const hasRole = (me: Me | null, role: string) => !!me && (me.roles.includes(role) || me.roles.includes('admin'));

export function routeFromUrl(url: URL): Route {
  const p = url.searchParams;
  const num = (k: string) => {
    const n = Number(p.get(k));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const views: Route['view'][] = ['city', 'signin', 'requests', 'queue', 'request', 'new', 'parcel', 'history'];
  let view = views.find((v) => v === p.get('view'));
  const request = num('request');
  const parcel = num('parcel');
  if (!view) view = request ? 'request' : parcel ? 'parcel' : 'city';
  const kind = p.get('kind') === 'merge' ? 'merge' : p.get('kind') === 'subdivision' ? 'subdivision' : undefined;
  const parcels = (p.get('parcels') ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  return { view, request, parcel, kind, parcels: parcels.length ? parcels : undefined };
}

/** The page's address for `route`, keeping the language and the map's position. */
export function urlOf(route: Route, from: URL): URL {
  const url = new URL(from.href);
  for (const k of ['view', 'request', 'parcel', 'kind', 'parcels']) url.searchParams.delete(k);
  if (route.view !== 'city' && !(route.view === 'request' && route.request) && !(route.view === 'parcel' && route.parcel)) {
    url.searchParams.set('view', route.view);
  }
  if (route.request) url.searchParams.set('request', String(route.request));
  if (route.parcel) url.searchParams.set('parcel', String(route.parcel));
  if (route.kind) url.searchParams.set('kind', route.kind);
  if (route.parcels?.length) url.searchParams.set('parcels', route.parcels.join(','));
  return url;
}
