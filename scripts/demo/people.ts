/**
 * The demo's people and organisations. Every person, shop and phone number here is fictional,
 * and obviously so: given names are 示例/演示/样例, phones are 138-0000-xxxx or 0571-0000-xxxx.
 */

export interface Contact {
  name: string
  phone: string
}

export interface Chief extends Contact {
  title: string
  role: string
}

/** The six departments of the street-chief system, plus the street-lamp office some streets route to. */
export const departments = {
  sanitation: { name: '拱墅区环境卫生管理所', phone: '0571-0000-0101' },
  enforcement: { name: '拱墅区城管执法局天水中队', phone: '0571-0000-0102' },
  traffic: { name: '杭州市公安局交警支队拱墅大队', phone: '0571-0000-0103' },
  food: { name: '拱墅区市场监管局天水所（食药）', phone: '0571-0000-0104' },
  business: { name: '拱墅区市场监管局（工商）', phone: '0571-0000-0105' },
  grid: { name: '天水街道网格化管理办公室', phone: '0571-0000-0106' },
  lamps: { name: '拱墅区路灯管理所', phone: '0571-0000-0107' },
} satisfies Record<string, Contact>

/** Problem categories (DESIGN section 1) and who handles each across the sub-district. */
export const categoryRoutes: Record<string, Contact> = {
  路灯损坏: departments.enforcement,
  井盖缺失: departments.enforcement,
  占道经营: departments.enforcement,
  流动摊贩: departments.enforcement,
  绿化损坏: departments.enforcement,
  垃圾暴露: departments.sanitation,
  道路保洁: departments.sanitation,
  违法停车: departments.traffic,
  交通设施损坏: departments.traffic,
  食品安全: departments.food,
  无照经营: departments.business,
  邻里纠纷: departments.grid,
}

/** Streets whose lamps the district street-lamp office looks after itself. */
export const lampStreets = ['体育场路', '延安路']

const surnames = [...'张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文']
const givenNames = ['示例', '演示', '样例']

/** Hands out distinct fictional people with 138-0000-xxxx phones, in a fixed order. */
export class People {
  private next = 0

  person(title: string, role: string): Chief {
    const index = this.next++
    const surname = surnames[index % surnames.length]!
    const given = givenNames[Math.floor(index / surnames.length) % givenNames.length]!
    const suffix = index >= surnames.length * givenNames.length ? String(Math.floor(index / (surnames.length * givenNames.length)) + 1) : ''
    return { name: `${surname}${given}${suffix}`, phone: `138-0000-${String(index + 1).padStart(4, '0')}`, title, role }
  }
}

const shopPlaces = ['天水', '武林', '仓河', '岳王', '百井', '凤起', '体育场', '中河', '延安', '小河', '老杭州', '西湖', '钱塘', '拱宸', '湖墅', '运河']
const shopKinds = [
  '面馆', '便利店', '水果店', '药房', '理发店', '茶叶店', '书店', '花店', '包子铺', '咖啡馆', '五金店', '眼镜店', '烟酒店',
  '早餐店', '干洗店', '文具店', '小吃店', '服装店', '手机维修', '茶馆', '烘焙坊', '超市', '鞋店', '照相馆', '诊所', '奶茶店',
]

/** Fictional shop names (示例 marks them as such), distinct, with 0571-0000-xxxx phones. */
export function shopName(index: number): Contact {
  const place = shopPlaces[index % shopPlaces.length]!
  const kind = shopKinds[Math.floor(index / shopPlaces.length) % shopKinds.length]!
  const round = Math.floor(index / (shopPlaces.length * shopKinds.length))
  return { name: `${place}示例${kind}${round ? `（${round + 1}店）` : ''}`, phone: `0571-0000-${String(2001 + index).padStart(4, '0')}` }
}

export const fallbackOf = {
  district: { name: '拱墅区城市物业兜底服务中心', phone: '0571-0000-0201' },
  subdistrict: { name: '天水街道城市物业（兜底单位）', phone: '0571-0000-0202' },
  community: (name: string, index: number): Contact => ({
    name: `${name}物业服务站（兜底）`,
    phone: `0571-0000-${String(211 + index).padStart(4, '0')}`,
  }),
}
