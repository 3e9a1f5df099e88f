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
  // Tabs and accounts.
  tabCity: { ar: 'مدينتي', en: 'My City' },
  tabRequests: { ar: 'طلباتي', en: 'My requests' },
  tabQueue: { ar: 'المراجعة', en: 'Review queue' },
  signIn: { ar: 'تسجيل الدخول', en: 'Sign in' },
  signOut: { ar: 'تسجيل الخروج', en: 'Sign out' },
  username: { ar: 'اسم المستخدم', en: 'User name' },
  password: { ar: 'كلمة المرور', en: 'Password' },
  signInFailed: { ar: 'تعذّر الدخول: تحقق من الاسم وكلمة المرور.', en: 'Could not sign in: check the name and password.' },
  signedInAs: { ar: 'أنت مسجّل باسم', en: 'Signed in as' },
  needSignIn: { ar: 'سجّل الدخول أولاً.', en: 'Sign in first.' },
  panelViews: { ar: 'أقسام اللوحة', en: 'Panel sections' },
  back: { ar: 'رجوع', en: 'Back' },
  close: { ar: 'إغلاق', en: 'Close' },
  working: { ar: 'جارٍ التحميل…', en: 'Loading…' },
  error: { ar: 'حدث خطأ', en: 'Something went wrong' },
  // Identify and history.
  district: { ar: 'الحي', en: 'District' },
  plan: { ar: 'المخطط', en: 'Plan' },
  parcel: { ar: 'القطعة', en: 'Parcel' },
  block: { ar: 'البلك', en: 'Block' },
  street: { ar: 'أقرب شارع', en: 'Nearest street' },
  landUse: { ar: 'الاستخدام', en: 'Land use' },
  area: { ar: 'المساحة', en: 'Area' },
  since: { ar: 'منذ', en: 'Since' },
  retired: { ar: 'أُلغيت هذه القطعة بقرار في', en: 'Retired by a decision on' },
  nothingHere: { ar: 'لا قطعة ولا مخطط هنا.', en: 'No parcel or plan here.' },
  history: { ar: 'سجل القطعة', en: 'Parcel history' },
  historyAt: { ar: 'السجل في', en: 'The register on' },
  lineage: { ar: 'النسب', en: 'Lineage' },
  ancestors: { ar: 'الأصول', en: 'Came from' },
  descendants: { ar: 'الفروع', en: 'Became' },
  noLineage: { ar: 'لم تتغير هذه القطعة منذ تسجيلها.', en: 'This parcel has not changed since it was recorded.' },
  share: { ar: 'نسخ الرابط', en: 'Copy link' },
  copied: { ar: 'نُسخ الرابط', en: 'Link copied' },
  // Requests.
  newSplit: { ar: 'فرز جديد', en: 'New subdivision' },
  newMerge: { ar: 'دمج جديد', en: 'New merge' },
  subdivideThis: { ar: 'فرز هذه القطعة', en: 'Subdivide this parcel' },
  noRequests: { ar: 'لا طلبات.', en: 'No requests.' },
  request: { ar: 'الطلب', en: 'Request' },
  kind: { ar: 'النوع', en: 'Kind' },
  status: { ar: 'الحالة', en: 'Status' },
  age: { ar: 'العمر', en: 'Age' },
  any: { ar: 'الكل', en: 'Any' },
  olderThan1: { ar: 'أقدم من يوم', en: 'Older than a day' },
  olderThan7: { ar: 'أقدم من أسبوع', en: 'Older than a week' },
  olderThan30: { ar: 'أقدم من شهر', en: 'Older than a month' },
  days: { ar: 'يوم', en: 'days' },
  today: { ar: 'اليوم', en: 'today' },
  filters: { ar: 'التصفية', en: 'Filters' },
  pickParcels: { ar: 'اختر القطعة على الخريطة.', en: 'Pick the parcel on the map.' },
  pickParcelsMerge: { ar: 'اختر القطع المتجاورة على الخريطة.', en: 'Pick the adjoining parcels on the map.' },
  drawLines: { ar: 'انقر نقطتين على الخريطة لرسم خط التقسيم.', en: 'Click two points on the map to draw a dividing line.' },
  drawNext: { ar: 'انقر نقطة النهاية.', en: 'Click the line\'s end.' },
  undoLine: { ar: 'تراجع عن آخر خط', en: 'Undo last line' },
  clearLines: { ar: 'مسح الخطوط', en: 'Clear lines' },
  upload: { ar: 'أو ارفع ملف القطع المقترحة (GeoJSON أو DXF أو Shapefile مضغوط)', en: 'Or upload the proposed parcels (GeoJSON, DXF or zipped Shapefile)' },
  badFile: { ar: 'لا مضلعات في الملف: ارسم القطع خطوطاً مغلقة.', en: 'The file holds no polygons: draw the parcels as closed lines.' },
  children: { ar: 'القطع المقترحة', en: 'Proposed parcels' },
  childNo: { ar: 'رقم القطعة', en: 'Parcel number' },
  note: { ar: 'ملاحظة', en: 'Note' },
  checks: { ar: 'الفحوص', en: 'Checks' },
  checking: { ar: 'جارٍ الفحص…', en: 'Checking…' },
  allPassed: { ar: 'نجحت كل الفحوص.', en: 'Every check passed.' },
  someFailed: { ar: 'لم تنجح بعض الفحوص: صحّح الأجزاء المظللة بالأحمر.', en: 'Some checks failed: fix the parts shaded red.' },
  submit: { ar: 'تقديم الطلب', en: 'Submit the request' },
  resubmit: { ar: 'إعادة التقديم', en: 'Resubmit' },
  submitted: { ar: 'قُدّم الطلب', en: 'Request submitted' },
  amend: { ar: 'تعديل الطلب', en: 'Amend the request' },
  withdraw: { ar: 'سحب الطلب', en: 'Withdraw' },
  documents: { ar: 'المستندات', en: 'Documents' },
  noDocuments: { ar: 'لا مستندات.', en: 'No documents.' },
  attach: { ar: 'إرفاق مستند', en: 'Attach a document' },
  docTitle: { ar: 'عنوان المستند', en: 'Document title' },
  sketch: { ar: 'تنزيل الكروكي المساحي (PDF)', en: 'Download the survey sketch (PDF)' },
  owners: { ar: 'الملاك', en: 'Owners' },
  events: { ar: 'سجل الطلب', en: 'Request history' },
  take: { ar: 'استلام للمراجعة', en: 'Take for review' },
  decision: { ar: 'القرار', en: 'Decision' },
  comment: { ar: 'تعليق', en: 'Comment' },
  approve: { ar: 'اعتماد', en: 'Approve' },
  reject: { ar: 'رفض', en: 'Reject' },
  returnIt: { ar: 'إعادة للمساح', en: 'Return to the surveyor' },
  acceptLabel: { ar: 'قبول التجاوز', en: 'Accept the exceedance' },
  decided: { ar: 'سُجّل القرار', en: 'Decision recorded' },
  before: { ar: 'قبل', en: 'Before' },
  after: { ar: 'بعد', en: 'After' },
  created: { ar: 'القطع الجديدة', en: 'New parcels' },
} as const;

export type Word = keyof typeof WORDS;

let current: Lang = 'ar';

/** Names of request kinds and states, Arabic and English. */
const NAMES: Record<string, { ar: string; en: string }> = {
  subdivision: { ar: 'فرز', en: 'Subdivision' },
  merge: { ar: 'دمج', en: 'Merge' },
  deed_update: { ar: 'تحديث صك', en: 'Deed update' },
  survey_sketch: { ar: 'كروكي مساحي', en: 'Survey sketch' },
  plan_approval: { ar: 'اعتماد مخطط', en: 'Plan approval' },
  requested: { ar: 'بانتظار مساح', en: 'Awaiting a surveyor' },
  submitted: { ar: 'مقدّم', en: 'Submitted' },
  in_review: { ar: 'قيد المراجعة', en: 'In review' },
  technical_approved: { ar: 'معتمد فنياً', en: 'Technically approved' },
  returned: { ar: 'مُعاد للتعديل', en: 'Returned' },
  approved: { ar: 'معتمد', en: 'Approved' },
  rejected: { ar: 'مرفوض', en: 'Rejected' },
  withdrawn: { ar: 'مسحوب', en: 'Withdrawn' },
  // Land uses, as the server names them (src/domain/attributes/values.rs).
  residential: { ar: 'سكني', en: 'Residential' },
  commercial: { ar: 'تجاري', en: 'Commercial' },
  mixed_use: { ar: 'سكني تجاري', en: 'Residential-commercial' },
  industrial: { ar: 'صناعي', en: 'Industrial' },
  agricultural: { ar: 'زراعي', en: 'Agricultural' },
  government: { ar: 'حكومي', en: 'Government' },
  educational: { ar: 'تعليمي', en: 'Educational' },
  religious: { ar: 'ديني', en: 'Religious' },
  health: { ar: 'صحي', en: 'Health' },
  park: { ar: 'حديقة', en: 'Park' },
  utility: { ar: 'مرافق', en: 'Utility' },
  vacant: { ar: 'أرض فضاء', en: 'Vacant' },
};

/** A request kind's, state's or land use's name in the page's language (the code if unknown). */
export function named(code: string): string {
  return NAMES[code]?.[current] ?? code;
}


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

/** A number in the page's language (Arabic-Indic digits in Arabic). */
export function number(n: number, digits = 0): string {
  return new Intl.NumberFormat(current === 'ar' ? 'ar-SA' : 'en', { maximumFractionDigits: digits }).format(n);
}

/** A moment as a date and time in Riyadh, in the page's language. */
export function when(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(current === 'ar' ? 'ar-SA-u-ca-gregory' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Riyadh',
  }).format(d);
}

/** An area in square metres, in the page's language. */
export function squareMetres(m2: number, digits = 0): string {
  return `${number(m2, digits)} ${t('metres')}²`;
}
