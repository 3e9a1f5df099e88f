// The page's words in Arabic and English. Arabic is the default and reads right to left; the
// language switch flips the whole page (direction, labels, the map's labels).

export type Lang = 'ar' | 'en';

const WORDS = {
  search: { ar: 'ابحث عن مكان أو مخطط أو قطعة', en: 'Search a place, plan or parcel' },
  searchLabel: { ar: 'البحث', en: 'Search' },
  nearMe: { ar: 'بالقرب مني', en: 'Near me' },
  openNow: { ar: 'مفتوح الآن', en: 'Open now' },
  open: { ar: 'مفتوح', en: 'Open' },
  closed: { ar: 'مغلق', en: 'Closed' },
  noHours: { ar: 'لا مواعيد', en: 'No hours' },
  results: { ar: 'الأقرب أولاً', en: 'Nearest first' },
  none: { ar: 'لا نتائج هنا. وسّع الخريطة أو غيّر الفئة.', en: 'Nothing here. Zoom out or pick another category.' },
  loading: { ar: 'جارٍ البحث…', en: 'Searching…' },
  failed: { ar: 'تعذّر البحث. حاول مرة أخرى.', en: 'The search failed. Try again.' },
  directions: { ar: 'الاتجاهات', en: 'Directions' },
  language: { ar: 'English', en: 'العربية' },
  languageLabel: { ar: 'Switch to English', en: 'التبديل إلى العربية' },
  categories: { ar: 'الفئات', en: 'Categories' },
  metres: { ar: 'م', en: 'm' },
  km: { ar: 'كم', en: 'km' },
} as const;

export type Word = keyof typeof WORDS;

let current: Lang = 'ar';

export function lang(): Lang {
  return current;
}

export function t(w: Word): string {
  return WORDS[w][current];
}

/** Sets the language of the whole page: `lang`, `dir`, and every `[data-t]` element. */
export function setLang(l: Lang): void {
  current = l;
  const root = document.documentElement;
  root.lang = l;
  root.dir = l === 'ar' ? 'rtl' : 'ltr';
  for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) {
    el.textContent = t(el.dataset.t as Word);
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-t-placeholder]')) {
    el.setAttribute('placeholder', t(el.dataset.tPlaceholder as Word));
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-t-label]')) {
    el.setAttribute('aria-label', t(el.dataset.tLabel as Word));
  }
}

/** A distance as people say it: metres below a kilometre, else kilometres with one decimal. */
export function distance(m: number): string {
  const fmt = new Intl.NumberFormat(current === 'ar' ? 'ar-SA' : 'en', {
    maximumFractionDigits: m < 1000 ? 0 : 1,
  });
  return m < 1000 ? `${fmt.format(Math.round(m))} ${t('metres')}` : `${fmt.format(m / 1000)} ${t('km')}`;
}
