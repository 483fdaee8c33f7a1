-- Duties (职责) printed on signboards, one text per zone kind, editable by planners.
CREATE TABLE duty_text (
  kind       text PRIMARY KEY CHECK (kind IN
               ('district', 'subdistrict', 'community', 'grid', 'street', 'segment', 'frontage')),
  text       text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
  updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO duty_text (kind, text) VALUES
  ('street', '街长统筹本街巷的环境卫生、市容秩序、绿化美化、交通秩序和安全隐患治理；每周至少巡街一次，对发现的问题及时交办职能部门、督促整改并跟踪反馈；督促沿街单位和商户落实门前三包责任，协调解决群众反映的突出问题。'),
  ('segment', '段长负责本路段的日常巡查，及时发现并上报占道经营、乱堆乱放、违章停车、设施损坏、积水积雪等问题；督促沿街商户落实门前三包责任；配合街长和职能部门完成整改，接受群众监督。'),
  ('grid', '网格长负责本网格内人、地、事、物、情、组织的信息采集与动态更新；每日巡查网格，发现问题及时上报处置；做好矛盾纠纷排查化解、安全隐患排查和便民服务，做到小事不出网格。'),
  ('community', '社区书记统筹社区内各网格和街巷的管理工作，组织网格长、街长、段长协同处置辖区问题，督促责任落实，收集并回应居民诉求。'),
  ('subdistrict', '街道统筹辖区街巷长制工作，组织巡查考核，协调职能部门处置跨网格、跨街巷问题，对无明确责任主体的区域履行属地兜底责任。'),
  ('district', '区街巷长制办公室负责制度建设、统筹协调和监督考核，定期通报街长、段长履职情况。'),
  ('frontage', '门前三包：包环境卫生，保持门前整洁；包市容秩序，不占道经营、不乱堆乱放；包绿化，爱护门前绿地和设施。');
