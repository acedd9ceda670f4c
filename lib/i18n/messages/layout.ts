/**
 * Strings of the page frame: the header's menus, the skip link, page titles of pages whose h1 is
 * data (a queue's name, a key), and the unknown-queue page. The type makes a missing zh-CN key a
 * compile error.
 */
export const en = {
  "layout.skip": "Skip to content",
  "layout.menu": "Menu",
  "layout.account": "Account: {email}",
  "layout.signedInAs": "Signed in as",
  "layout.outbox": "Outbox",
  "layout.notifications": "Notifications",
  "title.queue": "Queue {name}",
  "title.worker": "Worker {id}",
  "title.failedJob": "Failed job",
  "title.delayedAt": "Delayed at {at}",
  "title.product": "Product #{id}",
  "title.user": "User #{id}",
  "title.key": "Key {key}",
  "title.overview": "Overview",
  "queues.unknown.title": "No such queue",
  "queues.unknown.body": "There is no queue by that name: it may have been removed, or it never held a job.",
  "queues.unknown.list": "Queues that exist:",
  "queues.unknown.none": "There are no queues yet.",
} as const;

export const zhCN: { [K in keyof typeof en]: string } = {
  "layout.skip": "跳到正文",
  "layout.menu": "菜单",
  "layout.account": "账号：{email}",
  "layout.signedInAs": "当前登录",
  "layout.outbox": "发件箱",
  "layout.notifications": "通知",
  "title.queue": "队列 {name}",
  "title.worker": "工作进程 {id}",
  "title.failedJob": "失败任务详情",
  "title.delayedAt": "{at} 的延时任务",
  "title.product": "商品 #{id}",
  "title.user": "用户 #{id}",
  "title.key": "键 {key}",
  "title.overview": "概览",
  "queues.unknown.title": "没有这个队列",
  "queues.unknown.body": "不存在这个名字的队列：它可能已被删除，或者从未有任务进入过。",
  "queues.unknown.list": "现有的队列：",
  "queues.unknown.none": "目前还没有任何队列。",
};
