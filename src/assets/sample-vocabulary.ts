/**
 * The words the sample data is made of. The lists mix plain ASCII with accented
 * Latin, CJK and astral emoji on purpose: the example pipeline's cleaning rules
 * (trim, collapse whitespace, lowercase emails, count code points, keep text as
 * text) only get exercised by data that needs them.
 */
export const sampleVocabulary = {
  /** Lorem-ipsum-like filler, the bulk of titles and bodies (as in JSONPlaceholder). */
  latinWords: [
    'ab', 'accusamus', 'accusantium', 'ad', 'adipisci', 'alias', 'aliquam', 'aliquid', 'amet',
    'animi', 'aperiam', 'architecto', 'asperiores', 'aspernatur', 'assumenda', 'at', 'atque',
    'aut', 'autem', 'beatae', 'blanditiis', 'commodi', 'consectetur', 'consequatur',
    'consequuntur', 'corporis', 'corrupti', 'culpa', 'cum', 'cumque', 'cupiditate', 'debitis',
    'delectus', 'deleniti', 'deserunt', 'dicta', 'dignissimos', 'distinctio', 'dolor', 'dolore',
    'dolorem', 'doloremque', 'dolores', 'doloribus', 'dolorum', 'ducimus', 'ea', 'eaque',
    'earum', 'eius', 'eligendi', 'enim', 'eos', 'error', 'esse', 'est', 'et', 'eum', 'eveniet',
    'ex', 'excepturi', 'exercitationem', 'expedita', 'explicabo', 'facere', 'facilis', 'fuga',
    'fugiat', 'fugit', 'harum', 'hic', 'id', 'illo', 'illum', 'impedit', 'in', 'incidunt',
    'inventore', 'ipsa', 'ipsam', 'ipsum', 'iste', 'itaque', 'iure', 'iusto', 'labore',
    'laboriosam', 'laborum', 'laudantium', 'libero', 'magnam', 'magni', 'maiores', 'maxime',
    'minima', 'minus', 'modi', 'molestiae', 'molestias', 'mollitia', 'nam', 'natus',
    'necessitatibus', 'nemo', 'neque', 'nesciunt', 'nihil', 'nisi', 'nobis', 'non', 'nostrum',
    'nulla', 'numquam', 'obcaecati', 'odio', 'odit', 'officia', 'officiis', 'omnis', 'optio',
    'pariatur', 'perferendis', 'perspiciatis', 'placeat', 'porro', 'possimus', 'praesentium',
    'provident', 'quae', 'quaerat', 'quam', 'quas', 'quasi', 'qui', 'quia', 'quibusdam',
    'quidem', 'quis', 'quisquam', 'quo', 'quod', 'quos', 'ratione', 'recusandae', 'reiciendis',
    'rem', 'repellat', 'repellendus', 'reprehenderit', 'repudiandae', 'rerum', 'saepe',
    'sapiente', 'sed', 'sequi', 'similique', 'sint', 'sit', 'soluta', 'sunt', 'suscipit',
    'tempora', 'tempore', 'temporibus', 'tenetur', 'totam', 'ullam', 'unde', 'ut', 'vel',
    'velit', 'veniam', 'veritatis', 'vero', 'vitae', 'voluptas', 'voluptate', 'voluptatem',
    'voluptates', 'voluptatibus', 'voluptatum',
  ],
  /** Plain English, a third of the words, apostrophes included. */
  englishWords: [
    'data', 'pipeline', 'asset', 'report', 'weekly', 'summary', 'coffee', 'river', 'garden',
    'window', 'morning', 'evening', 'quiet', 'bright', 'simple', 'careful', 'fresh', 'stale',
    'market', 'engine', 'signal', 'harbor', 'winter', 'summer', 'letter', 'number', 'column',
    'table', 'record', 'update', 'review', 'draft', 'theory', 'practice', 'travel', 'kitchen',
    'orange', 'silver', 'forest', 'mountain', 'city', 'street', 'music', 'story', 'question',
    'answer', 'reason', 'moment', 'people', 'friend', 'family', 'journey', 'lesson', 'problem',
    'solution', 'system', 'network', 'server', 'schedule', 'sensor', "don't", "it's", "we're",
    'the', 'a', 'of', 'and', 'to', 'with', 'from', 'about', 'never', 'always', 'again',
  ],
  /** Rare words outside ASCII (all in the Basic Multilingual Plane). */
  foreignWords: [
    'café', 'naïve', 'déjà', 'über', 'façade', 'smörgåsbord', 'jalapeño', 'piñata', 'crème',
    'brûlée', 'fiancée', 'résumé', 'Straße', 'señor', '数据', '東京', 'Ωmega',
  ],
  /**
   * Astral code points (two UTF-16 units each), and one ZWJ sequence that is one
   * glyph but three code points: lengths in code points must count it as 3.
   */
  emoji: ['🚀', '📦', '🎉', '🧪', '🔥', '🌍', '😀', '🐙', '📈', '🤖', '👩‍💻'],
  firstNames: [
    'Leanne', 'Ervin', 'Clementine', 'Patricia', 'Chelsey', 'Dennis', 'Kurtis', 'Nicholas',
    'Glenna', 'Clementina', 'Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Barbara', 'Kamren',
    'Leopoldo', 'Elwyn', 'Maxime', 'Delphine', 'Moriah', 'Samantha', 'Karianne', 'Bret',
    'Antonette', 'Hugo', 'Priya', 'Tomasz', 'Amara',
  ],
  /** Given names with accents or letters that Unicode normalization cannot fold (Ł, ø). */
  foreignFirstNames: [
    'Zoë', 'José', 'Łukasz', 'Søren', 'Renée', 'Björn', 'Chloé', 'Inês', 'François',
    'Małgorzata', 'Jürgen', 'Åsa', 'Núria', 'Þóra',
  ],
  lastNames: [
    'Graham', 'Howell', 'Bauch', 'Lebsack', 'Dietrich', 'Schulist', 'Weissnat', 'Runolfsdottir',
    'Reichert', 'DuBuque', 'Corkery', 'Skiles', 'Nienow', 'Stanton', 'Kulas', 'Romaguera',
    'Crona', 'Deckow', 'Crist', 'Jacobson', 'Robel', 'Keebler', 'Considine', 'Lockman', 'Johns',
    'Abernathy', 'Yost', 'Hoeger', "O'Connor", 'McKenzie',
  ],
  foreignLastNames: [
    'Ñúñez', 'Müller', 'Østergaard', 'Dvořák', 'Gonçalves', 'Wiśniewska', 'Åberg', 'Ó Briain',
    'Lefèvre', 'Şahin',
  ],
  /** Whole names in scripts that have no letters to fold, with the Latin spelling used for logins. */
  cjkNames: [
    { name: '王秀英', latinFirst: 'Xiuying', latinLast: 'Wang' },
    { name: '李娜', latinFirst: 'Na', latinLast: 'Li' },
    { name: '佐藤 健', latinFirst: 'Ken', latinLast: 'Sato' },
    { name: '김민준', latinFirst: 'Minjun', latinLast: 'Kim' },
  ],
  honorifics: ['Mrs.', 'Mr.', 'Ms.', 'Dr.', 'Miss'],
  nameSuffixes: ['Jr.', 'Sr.', 'II', 'PhD'],
  nicknames: ['Ace', 'Bee', 'Doc', 'Kit', 'Max', 'Sunny', 'Red'],
  streetNames: [
    'Kulas', 'Victor', 'Douglas', 'Hoeger', 'Skiles', 'Norberto', 'Rex', 'Ellsworth', 'Dayna',
    'Kattie', 'Willow', 'Lindgren', 'Schroeder',
  ],
  streetSuffixes: [
    'Light', 'Plains', 'Extension', 'Mall', 'Stravenue', 'Crossing', 'Summit', 'Trail',
    'Parks', 'Road', 'Way', 'Avenue',
  ],
  cities: [
    'Gwenborough', 'Wisokyburgh', 'McKenziehaven', 'South Elvis', 'Roscoeview',
    'South Christy', 'Howemouth', 'Aliyaview', 'Bartholomebury', 'Lebsackbury', 'Malmö',
    'São Paulo', 'Zürich', 'Kraków', 'Düsseldorf', 'Reykjavík',
  ],
  topLevelDomains: ['org', 'net', 'info', 'biz', 'com', 'io', 'tv', 'me', 'ca', 'name'],
  domainWords: [
    'april', 'melissa', 'yesenia', 'kory', 'annie', 'jasper', 'billy', 'rosamond', 'dana',
    'karina', 'susan', 'elvis',
  ],
  catchPhraseAdjectives: [
    'Multi-layered', 'Proactive', 'Face to face', 'Multi-tiered', 'User-centric', 'Synchronised',
    'Configurable', 'Implemented', 'Switchable', 'Centralized', 'Cross-platform',
  ],
  catchPhraseDescriptors: [
    'client-server', 'didactic', 'bifurcated', 'heuristic', 'contextually-based', 'bottom-line',
    'transitional', 'optimal', 'dynamic', '24 hour', 'zero tolerance',
  ],
  catchPhraseNouns: [
    'neural-net', 'contingency', 'intranet', 'capacity', 'installation', 'encryption',
    'database', 'leverage', 'toolset', 'core', 'hierarchy',
  ],
  bsVerbs: [
    'harness', 'synergize', 'e-enable', 'transition', 'revolutionize', 'aggregate', 'target',
    'leverage', 'generate', 'deliver',
  ],
  bsAdjectives: [
    'real-time', 'scalable', 'end-to-end', 'cutting-edge', 'bricks-and-clicks', 'seamless',
    'B2C', 'innovative', 'cross-media', 'extensible',
  ],
  bsNouns: [
    'e-markets', 'supply-chains', 'models', 'web services', 'channels', 'metrics',
    'communities', 'schemas', 'niches', 'infrastructures',
  ],
} as const;
