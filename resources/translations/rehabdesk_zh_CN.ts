<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="189"/>
        <source>The administrator</source>
        <translation>管理员账号</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="190"/>
        <source>The administrator adds the workers and supervisors after setup.</source>
        <translation>初始化完成后，由管理员添加禁毒专干和审核人员的账号。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="192"/>
        <source>Administrator user name</source>
        <translation>管理员用户名</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="195"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="198"/>
        <source>Password again</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="203"/>
        <source>&amp;User name</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="204"/>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="205"/>
        <source>Password &amp;again</source>
        <translation>确认密码(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="239"/>
        <source>Setting up the office…</source>
        <translation>正在建立办公室…</translation>
    </message>
</context>
<context>
    <name>AmountEdit</name>
    <message>
        <location filename="../../ui/forms/fields.py" line="201"/>
        <source>e.g. 500.00</source>
        <translation>例如：500.00</translation>
    </message>
    <message>
        <location filename="../../ui/forms/fields.py" line="224"/>
        <source>Enter an amount in yuan, such as 500 or 500.50.</source>
        <translation>请输入以元为单位的金额，如 500 或 500.50。</translation>
    </message>
</context>
<context>
    <name>AssistanceForm</name>
    <message>
        <location filename="../../ui/forms/assistance_form.py" line="17"/>
        <source>Record assistance</source>
        <translation>登记帮扶救助</translation>
    </message>
    <message>
        <location filename="../../ui/forms/assistance_form.py" line="20"/>
        <source>Correct assistance</source>
        <translation>更正帮扶救助记录</translation>
    </message>
    <message>
        <location filename="../../ui/forms/assistance_form.py" line="26"/>
        <source>e.g. the township social affairs office</source>
        <translation>例如：乡镇社会事务办</translation>
    </message>
    <message>
        <location filename="../../ui/forms/assistance_form.py" line="30"/>
        <source>&amp;Date</source>
        <translation>帮扶日期(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/assistance_form.py" line="31"/>
        <source>&amp;Kind</source>
        <translation>帮扶类型(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/assistance_form.py" line="32"/>
        <source>&amp;Provider</source>
        <translation>帮扶单位(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/assistance_form.py" line="33"/>
        <source>&amp;Amount (yuan)</source>
        <translation>金额（元）(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/assistance_form.py" line="34"/>
        <source>&amp;Outcome</source>
        <translation>帮扶结果(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/assistance_form.py" line="35"/>
        <source>D&amp;etails</source>
        <translation>详细情况(&amp;E)</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../ui/pages/audit.py" line="58"/>
        <source>Audit chain check</source>
        <translation>审计链校验</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="59"/>
        <source>Verify the chain</source>
        <translation>校验审计链</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="61"/>
        <source>Check that no entry was altered, removed or inserted since it was written</source>
        <translation>检查审计记录写入后是否被改动、删除或插入</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="70"/>
        <location filename="../../ui/pages/audit.py" line="89"/>
        <location filename="../../ui/pages/audit.py" line="110"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="71"/>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="73"/>
        <location filename="../../ui/pages/audit.py" line="89"/>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="75"/>
        <source>Record number</source>
        <translation>档案号</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="75"/>
        <source>Record number or name</source>
        <translation>档案号或姓名</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="80"/>
        <location filename="../../ui/pages/audit.py" line="92"/>
        <location filename="../../ui/pages/audit.py" line="111"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="81"/>
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="84"/>
        <source>From</source>
        <translation>起始</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="85"/>
        <source>To</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="86"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="102"/>
        <source>Filter problem</source>
        <translation>筛选条件问题</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="108"/>
        <source>Entry</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="109"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="112"/>
        <source>Record</source>
        <translation>档案号</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="113"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="116"/>
        <source>Audit entries</source>
        <translation>审计记录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="127"/>
        <source>Entries shown</source>
        <translation>显示的记录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="128"/>
        <source>‹ Newer</source>
        <translation>‹ 较新</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="130"/>
        <source>Older ›</source>
        <translation>较早 ›</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="132"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="133"/>
        <source>Save the entries the filter finds as CSV or Excel (audited)</source>
        <translation>把筛选出的记录保存为 CSV 或 Excel 文件（本次导出记入审计日志）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="137"/>
        <source>Export result</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="175"/>
        <source>Audit</source>
        <translation>审计</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="247"/>
        <source>(system)</source>
        <translation>（系统）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="260"/>
        <source>Entries %1–%2 of %3</source>
        <translation>第 %1–%2 条，共 %3 条</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="264"/>
        <source>No entry matches the filter.</source>
        <translation>没有符合筛选条件的记录。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="284"/>
        <location filename="../../ui/pages/audit.py" line="291"/>
        <source>Verifying the audit chain…</source>
        <translation>正在校验审计链…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="306"/>
        <source>audit-log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="309"/>
        <source>Export the audit entries</source>
        <translation>导出审计记录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="309"/>
        <source>Excel (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 文件 (*.xlsx);;CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit.py" line="325"/>
        <source>Exporting the audit entries…</source>
        <translation>正在导出审计记录…</translation>
    </message>
</context>
<context>
    <name>ChoicePage</name>
    <message>
        <location filename="../../ui/first_run.py" line="68"/>
        <source>Welcome</source>
        <translation>欢迎使用</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="69"/>
        <source>No office is set up on this computer yet.</source>
        <translation>本机尚未建立办公室。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="70"/>
        <source>Set up a &amp;new office</source>
        <translation>新建办公室(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="71"/>
        <source>Set up from a &amp;provisioning file prepared by IT staff…</source>
        <translation>使用信息技术人员准备的部署配置文件建立(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="72"/>
        <source>Open a &amp;demo office with synthetic data, to try RehabDesk</source>
        <translation>打开演示办公室（模拟数据），试用本工作台(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="95"/>
        <location filename="../../ui/first_run.py" line="101"/>
        <source>Making the demo office…</source>
        <translation>正在生成演示办公室…</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="109"/>
        <source>Provisioning file</source>
        <translation>部署配置文件</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="109"/>
        <source>Provisioning files (*.toml *.json)</source>
        <translation>部署配置文件 (*.toml *.json)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="128"/>
        <source>Provisioning file read: %1</source>
        <translation>已读取部署配置文件：%1</translation>
    </message>
</context>
<context>
    <name>ConflictsPage</name>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="65"/>
        <source>Two computers changed the same item of a person&apos;s file while they could not reach each other. Check which value is right and adopt it, or type the right one: the decision goes to the server and from there to every computer.</source>
        <translation>两台电脑在互不连通时修改了同一人员档案的同一项信息。请核实哪个值正确并采用它，或填写正确的值；决定会发送到服务器，再同步到所有电脑。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="74"/>
        <source>Record</source>
        <translation>档案号</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="74"/>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="74"/>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="74"/>
        <source>Received</source>
        <translation>收到时间</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="76"/>
        <source>Open conflicts</source>
        <translation>待处理的冲突</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="91"/>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="94"/>
        <source>Or type the right value</source>
        <translation>或填写正确的值</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="98"/>
        <source>Another value</source>
        <translation>另填的值</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="100"/>
        <source>Adopt the typed value</source>
        <translation>采用填写的值</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="121"/>
        <source>Decision result</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="122"/>
        <source>No conflict waits for a decision.</source>
        <translation>没有待处理的冲突。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="123"/>
        <source>No conflicts</source>
        <translation>没有冲突</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="134"/>
        <source>Conflicts</source>
        <translation>同步冲突</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="193"/>
        <source>%1 (record %2): %3</source>
        <translation>%1（档案号 %2）：%3</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="208"/>
        <source>This item can only take one of the values above; correct it afterwards in the file.</source>
        <translation>这一项只能从上面的值中选择一个；如都不对，选定后再到档案中更正。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="214"/>
        <location filename="../../ui/pages/conflicts.py" line="222"/>
        <source>Value %1</source>
        <translation>值 %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="224"/>
        <source>Changed on: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="226"/>
        <source>Changed at: %1</source>
        <translation>修改时间：%1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="227"/>
        <source>The file shows this value for now.</source>
        <translation>档案中目前显示这个值。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="230"/>
        <source>Adopt this value</source>
        <translation>采用这个值</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="238"/>
        <source>this computer, by %1</source>
        <translation>本机，由 %1 修改</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="240"/>
        <source>this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="241"/>
        <source>another computer (%1)</source>
        <translation>另一台电脑（设备 %1）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="261"/>
        <source>Sending the decision to the server…</source>
        <translation>正在把决定发送到服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/conflicts.py" line="298"/>
        <source>The server recorded “%1” for %2 (%3). Every computer adopts it when it syncs; this one now.</source>
        <translation>服务器已记录：%3 的“%2”定为“%1”。各台电脑同步时都会采用，本机正在同步。</translation>
    </message>
</context>
<context>
    <name>DrugTestForm</name>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="129"/>
        <source>Record a drug test</source>
        <translation>登记检测</translation>
    </message>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="132"/>
        <source>Correct a drug test</source>
        <translation>更正检测记录</translation>
    </message>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="144"/>
        <source>&amp;Date</source>
        <translation>检测日期(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="145"/>
        <source>S&amp;ample</source>
        <translation>检测样本(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="146"/>
        <source>&amp;Method</source>
        <translation>检测方式(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="147"/>
        <source>Su&amp;bstances</source>
        <translation>检测项目(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="148"/>
        <source>&amp;Result</source>
        <translation>检测结果(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="149"/>
        <source>&amp;Kit lot</source>
        <translation>试剂批号(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="150"/>
        <source>&amp;Witness</source>
        <translation>见证人(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="151"/>
        <source>&amp;Notes</source>
        <translation>备注(&amp;N)</translation>
    </message>
</context>
<context>
    <name>DueModel</name>
    <message>
        <location filename="../../ui/pages/today.py" line="51"/>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="51"/>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="51"/>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="51"/>
        <source>Details</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="77"/>
        <source>Since %1</source>
        <translation>自 %1 起</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="97"/>
        <source>overdue</source>
        <translation>已逾期</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../ui/errors.py" line="27"/>
        <source>Something unexpected went wrong and the operation did not finish. Nothing was half-saved. The problem was written to the log without personal data; please tell IT staff.</source>
        <translation>发生意外错误，操作未完成，也没有保存任何不完整的数据。问题已记入日志（不含个人信息），请告知信息技术人员。</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="44"/>
        <source>RehabDesk</source>
        <translation>社区戒毒康复工作台</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="46"/>
        <source>Error message</source>
        <translation>错误信息</translation>
    </message>
</context>
<context>
    <name>FactForm</name>
    <message>
        <location filename="../../ui/forms/reason_dialog.py" line="118"/>
        <source>Save correction…</source>
        <translation>保存更正…</translation>
    </message>
    <message>
        <location filename="../../ui/forms/reason_dialog.py" line="157"/>
        <source>Nothing was changed. Change the record, or cancel.</source>
        <translation>记录没有任何改动。请修改后再保存，或点击“取消”。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/reason_dialog.py" line="161"/>
        <source>Why is it corrected?</source>
        <translation>更正原因</translation>
    </message>
    <message>
        <location filename="../../ui/forms/reason_dialog.py" line="162"/>
        <source>The record keeps its earlier version; say why it changes.</source>
        <translation>系统将保留这条记录的原版本，请说明更正原因。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/reason_dialog.py" line="163"/>
        <source>Save correction</source>
        <translation>保存更正</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <location filename="../../ui/first_run.py" line="48"/>
        <source>Set up RehabDesk</source>
        <translation>初始化社区戒毒康复工作台</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <location filename="../../ui/forms/base.py" line="59"/>
        <source>Form error</source>
        <translation>表单错误</translation>
    </message>
    <message>
        <location filename="../../ui/forms/base.py" line="63"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/forms/base.py" line="64"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/forms/base.py" line="81"/>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/forms/base.py" line="128"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>IndicatorCharts</name>
    <message>
        <location filename="../../ui/charts.py" line="204"/>
        <source>Nothing to draw for this period.</source>
        <translation>本期没有可绘制的数据。</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="205"/>
        <source>Drug tests per month, with positives</source>
        <translation>各月检测人次及阳性人次</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="206"/>
        <source>Test compliance by worker (this period)</source>
        <translation>各专干检测率（本期）</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="207"/>
        <source>Status composition at each month&apos;s end</source>
        <translation>各月末人员状态构成</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="208"/>
        <source>People helped by kind of assistance (this period)</source>
        <translation>各类帮扶人数（本期）</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="209"/>
        <source>Consolidation rate at each month&apos;s end</source>
        <translation>各月末巩固率</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="223"/>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="236"/>
        <source>%1 to %2</source>
        <translation>%1 至 %2</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="244"/>
        <source>Tests taken</source>
        <translation>检测人次</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="247"/>
        <source>Positive</source>
        <translation>阳性</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="258"/>
        <source>Tests</source>
        <translation>检测人次</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="268"/>
        <source>Test compliance</source>
        <translation>检测率</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="281"/>
        <source>%1 (%2/%3 windows)</source>
        <translation>%1（%2/%3 个检测周期）</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="288"/>
        <source>Test windows met (%)</source>
        <translation>检测周期完成率（%）</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="305"/>
        <location filename="../../ui/charts.py" line="327"/>
        <source>People</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="316"/>
        <source>People helped</source>
        <translation>帮扶人数</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="338"/>
        <source>Consolidation rate</source>
        <translation>巩固率</translation>
    </message>
    <message>
        <location filename="../../ui/charts.py" line="353"/>
        <source>Consolidation rate (%)</source>
        <translation>巩固率（%）</translation>
    </message>
</context>
<context>
    <name>IndicatorsPage</name>
    <message>
        <location filename="../../ui/pages/indicators.py" line="55"/>
        <source>Period</source>
        <translation>统计期间</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="59"/>
        <source>Monthly report (XLSX)…</source>
        <translation>导出月报（XLSX）…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="60"/>
        <source>Monthly report (PDF)…</source>
        <translation>导出月报（PDF）…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="66"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="66"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="66"/>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="66"/>
        <source>Definition</source>
        <translation>计算口径</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="68"/>
        <location filename="../../ui/pages/indicators.py" line="113"/>
        <source>Indicators</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="80"/>
        <source>Select a figure to see the people behind it.</source>
        <translation>选中一项指标，可查看其涉及的人员。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="82"/>
        <source>People behind the figure</source>
        <translation>指标涉及人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="106"/>
        <source>&amp;Figures</source>
        <translation>指标数据(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="107"/>
        <source>&amp;Charts</source>
        <translation>图表(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="126"/>
        <source>Working out the indicators…</source>
        <translation>正在计算指标…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="171"/>
        <source>Save the monthly report</source>
        <translation>保存月报</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="172"/>
        <source>monthly-report-%1</source>
        <translation>月报-%1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/indicators.py" line="192"/>
        <source>Writing the report…</source>
        <translation>正在生成月报…</translation>
    </message>
</context>
<context>
    <name>LeaveForm</name>
    <message>
        <location filename="../../ui/forms/leave_form.py" line="22"/>
        <source>Record a leave</source>
        <translation>登记请假</translation>
    </message>
    <message>
        <location filename="../../ui/forms/leave_form.py" line="25"/>
        <source>Correct a leave</source>
        <translation>更正请假记录</translation>
    </message>
    <message>
        <location filename="../../ui/forms/leave_form.py" line="37"/>
        <source>&amp;From</source>
        <translation>开始日期(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/leave_form.py" line="38"/>
        <source>&amp;Until</source>
        <translation>结束日期(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/leave_form.py" line="39"/>
        <source>&amp;Destination</source>
        <translation>外出去向(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/leave_form.py" line="40"/>
        <source>&amp;Reason</source>
        <translation>请假事由(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/leave_form.py" line="41"/>
        <source>&amp;Approved by</source>
        <translation>批准人(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/leave_form.py" line="42"/>
        <source>Re&amp;turned on</source>
        <translation>销假日期(&amp;T)</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/lock.py" line="67"/>
        <source>RehabDesk is locked</source>
        <translation>社区戒毒康复工作台已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="71"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="77"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="81"/>
        <source>Locked. Type the password of %1 to continue.</source>
        <translation>已锁定。请输入 %1 的密码以继续使用。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login.py" line="40"/>
        <source>RehabDesk — log in</source>
        <translation>社区戒毒康复工作台 — 登录</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="48"/>
        <source>User</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="51"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="55"/>
        <source>Login error</source>
        <translation>登录错误</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="59"/>
        <source>&amp;User</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="60"/>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="62"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="64"/>
        <source>Forgot password…</source>
        <translation>忘记密码…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="92"/>
        <source>Unlocking, and backing up and upgrading the office&apos;s data for this version of RehabDesk. This happens once after an update; for a large office it takes a few minutes.</source>
        <translation>正在解锁，并为新版社区戒毒康复工作台备份和升级本办公室的数据。更新后只需进行一次；数据较多的办公室需要几分钟。</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="96"/>
        <source>Unlocking…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="43"/>
        <source>Community Drug Rehabilitation Desk</source>
        <translation>社区戒毒康复工作台</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="65"/>
        <source>RehabDesk — %1</source>
        <translation>社区戒毒康复工作台 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="69"/>
        <source>Navigation</source>
        <translation>导航</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="122"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="123"/>
        <source>Logged-in user</source>
        <translation>当前用户</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="125"/>
        <source>Sync state</source>
        <translation>同步状态</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="126"/>
        <source>Lock (Ctrl+L)</source>
        <translation>锁定（Ctrl+L）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="127"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
</context>
<context>
    <name>MeasureForm</name>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="32"/>
        <source>Order a measure</source>
        <translation>登记措施决定</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="40"/>
        <source>e.g. the county public security bureau</source>
        <translation>例如：县公安局</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="44"/>
        <source>Leave it out for the usual term from the report date.</source>
        <translation>不填写则自报到之日起按常规期限计算。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="45"/>
        <source>&amp;Measure</source>
        <translation>措施(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="46"/>
        <source>&amp;Ordered on</source>
        <translation>决定日期(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="47"/>
        <source>Ordered &amp;by</source>
        <translation>决定机关(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="48"/>
        <source>&amp;Document no.</source>
        <translation>决定书文号(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="49"/>
        <source>&amp;Reported on</source>
        <translation>报到日期(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="50"/>
        <source>&amp;Ends on</source>
        <translation>期满日期(&amp;E)</translation>
    </message>
</context>
<context>
    <name>OfficePage</name>
    <message>
        <location filename="../../ui/first_run.py" line="150"/>
        <source>The office</source>
        <translation>办公室信息</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="153"/>
        <source>The 6-digit division code of the county and the 3-digit code of the township, e.g. 640104001.</source>
        <translation>办公室代码由县（区）6 位行政区划代码加乡镇（街道）3 位代码组成，例如 640104001。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="158"/>
        <source>Office code</source>
        <translation>办公室代码</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="160"/>
        <source>Township name</source>
        <translation>乡镇（街道）名称</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="162"/>
        <source>AES-256-GCM (default)</source>
        <translation>AES-256-GCM（默认）</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="163"/>
        <source>SM4-GCM with SM3 (national algorithms)</source>
        <translation>SM4-GCM 与 SM3（国密算法）</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="164"/>
        <source>Cipher suite</source>
        <translation>加密算法</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="166"/>
        <source>Office &amp;code</source>
        <translation>办公室代码(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="167"/>
        <source>Township &amp;name</source>
        <translation>乡镇（街道）名称(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="168"/>
        <source>Cipher &amp;suite</source>
        <translation>加密算法(&amp;S)</translation>
    </message>
</context>
<context>
    <name>OpRunner</name>
    <message>
        <location filename="../../ui/ops.py" line="170"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>OptionalDateEdit</name>
    <message>
        <location filename="../../ui/forms/fields.py" line="98"/>
        <source>Give a date</source>
        <translation>填写日期</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <location filename="../../ui/people_model.py" line="257"/>
        <source>Record no.</source>
        <translation>档案号</translation>
    </message>
    <message>
        <location filename="../../ui/people_model.py" line="258"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/people_model.py" line="259"/>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/people_model.py" line="260"/>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../ui/people_model.py" line="261"/>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <location filename="../../ui/people_model.py" line="262"/>
        <source>Measure</source>
        <translation>措施</translation>
    </message>
    <message>
        <location filename="../../ui/people_model.py" line="263"/>
        <source>Status</source>
        <translation>人员状态</translation>
    </message>
    <message>
        <location filename="../../ui/people_model.py" line="264"/>
        <source>Risk</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../ui/people_model.py" line="265"/>
        <source>Worker</source>
        <translation>责任专干</translation>
    </message>
    <message>
        <location filename="../../ui/people_model.py" line="293"/>
        <source>Born %1</source>
        <translation>出生日期：%1</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <location filename="../../ui/pages/people.py" line="61"/>
        <source>Name, pinyin, initials or ID number</source>
        <translation>姓名、拼音、首字母或身份证号码</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="62"/>
        <source>Search people</source>
        <translation>查找人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="65"/>
        <source>Register a person…</source>
        <translation>新增人员…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="66"/>
        <source>Register a person</source>
        <translation>新增人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="68"/>
        <source>Filter by measure</source>
        <translation>按措施筛选</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="68"/>
        <source>All measures</source>
        <translation>全部措施</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="71"/>
        <source>Filter by status</source>
        <translation>按人员状态筛选</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="71"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="74"/>
        <source>Filter by risk colour</source>
        <translation>按风险等级筛选</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="74"/>
        <source>All risk colours</source>
        <translation>全部风险等级</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="77"/>
        <source>Filter by worker</source>
        <translation>按责任专干筛选</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="77"/>
        <source>All workers</source>
        <translation>全部专干</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="78"/>
        <source>Overdue only</source>
        <translation>只看逾期</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="79"/>
        <source>Only people with overdue tasks</source>
        <translation>只显示有逾期工作的人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="82"/>
        <source>Number of persons found</source>
        <translation>查询到的人数</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="85"/>
        <location filename="../../ui/pages/people.py" line="146"/>
        <source>People</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/people.py" line="140"/>
        <source>Register a person (Ctrl+N)</source>
        <translation>新增人员（Ctrl+N）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/people.py" line="203"/>
        <source>%n person(s)</source>
        <translation>
            <numerusform>共 %n 人</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PersonFilePage</name>
    <message>
        <location filename="../../ui/pages/person_file.py" line="154"/>
        <source>Person file</source>
        <translation>人员档案</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="163"/>
        <location filename="../../ui/pages/person_file.py" line="442"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="165"/>
        <source>Record number</source>
        <translation>档案号</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="167"/>
        <source>Status</source>
        <translation>人员状态</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="170"/>
        <location filename="../../ui/pages/person_file.py" line="452"/>
        <source>Risk colour</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="172"/>
        <location filename="../../ui/pages/person_file.py" line="247"/>
        <source>Measure</source>
        <translation>措施</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="174"/>
        <location filename="../../ui/pages/person_file.py" line="453"/>
        <source>Assigned worker</source>
        <translation>责任专干</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="179"/>
        <source>&amp;Edit profile…</source>
        <translation>编辑基本信息(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="207"/>
        <source>Visit</source>
        <translation>走访谈话</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="208"/>
        <source>Drug test</source>
        <translation>检测</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="209"/>
        <source>Assistance</source>
        <translation>帮扶救助</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="210"/>
        <source>Leave</source>
        <translation>请假</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="211"/>
        <source>Change status</source>
        <translation>变更状态</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="212"/>
        <source>Violation</source>
        <translation>违反协议</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="213"/>
        <source>Reported to police</source>
        <translation>报告公安机关</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="214"/>
        <source>Transfer out…</source>
        <translation>迁出…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="242"/>
        <source>Profile</source>
        <translation>基本信息</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="248"/>
        <source>Ordered</source>
        <translation>决定日期</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="249"/>
        <source>Reported</source>
        <translation>报到日期</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="250"/>
        <source>Ends</source>
        <translation>期满日期</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="251"/>
        <source>Ordered by</source>
        <translation>决定机关</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="252"/>
        <source>Document no.</source>
        <translation>决定书文号</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="255"/>
        <location filename="../../ui/pages/person_file.py" line="268"/>
        <source>Measures</source>
        <translation>措施</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="257"/>
        <source>&amp;Order a measure…</source>
        <translation>登记措施决定(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="259"/>
        <source>Record the &amp;report…</source>
        <translation>登记报到(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="271"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="271"/>
        <source>From</source>
        <translation>原状态</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="271"/>
        <source>To</source>
        <translation>新状态</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="271"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="271"/>
        <source>Recorded by</source>
        <translation>记录人</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="273"/>
        <location filename="../../ui/pages/person_file.py" line="274"/>
        <source>Status history</source>
        <translation>状态变更记录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="280"/>
        <source>All records</source>
        <translation>全部记录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="283"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="291"/>
        <source>&amp;Correct…</source>
        <translation>更正(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="293"/>
        <source>&amp;Void…</source>
        <translation>作废(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="297"/>
        <source>Timeline</source>
        <translation>工作记录</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/person_file.py" line="312"/>
        <location filename="../../ui/pages/person_file.py" line="513"/>
        <source>%n record(s)</source>
        <translation>
            <numerusform>共 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="342"/>
        <source>Opening the file…</source>
        <translation>正在打开档案…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="389"/>
        <source>Record %1</source>
        <translation>档案号 %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="395"/>
        <source>Worker: %1</source>
        <translation>责任专干：%1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="405"/>
        <source>No measure</source>
        <translation>暂无措施</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="409"/>
        <source>%1, ordered %2, not yet reported</source>
        <translation>%1，%2 决定，尚未报到</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="414"/>
        <source>%1 until %2</source>
        <translation>%1（至 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="443"/>
        <source>Aliases</source>
        <translation>别名/绰号</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="444"/>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="445"/>
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="446"/>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="447"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="448"/>
        <source>Household address</source>
        <translation>户籍地</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="449"/>
        <source>Residence</source>
        <translation>居住地</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="450"/>
        <source>Drugs used</source>
        <translation>滥用毒品种类</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="451"/>
        <source>First found</source>
        <translation>初次发现日期</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="454"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="471"/>
        <source>not yet</source>
        <translation>未报到</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="567"/>
        <source>Void a record</source>
        <translation>作废记录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="570"/>
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="600"/>
        <source>%1 (anti-drug worker)</source>
        <translation>%1（禁毒专干）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="643"/>
        <source>Signed off by a supervisor: it can no longer be changed.</source>
        <translation>审核人员已审核签字，不能再修改。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="663"/>
        <source>Correct…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="665"/>
        <source>Void…</source>
        <translation>作废…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_file.py" line="669"/>
        <source>Show earlier versions</source>
        <translation>查看历史版本</translation>
    </message>
</context>
<context>
    <name>PersonForm</name>
    <message>
        <location filename="../../ui/forms/person_form.py" line="121"/>
        <source>Edit profile</source>
        <translation>编辑基本信息</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="121"/>
        <source>Register a person</source>
        <translation>新增人员</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="135"/>
        <source>&amp;Name</source>
        <translation>姓名(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="138"/>
        <source>18 characters; birth date and sex follow from it</source>
        <translation>18 位，自动识别出生日期和性别</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="139"/>
        <source>&amp;ID number</source>
        <translation>身份证号码(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="141"/>
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="143"/>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="145"/>
        <source>Separate several with commas</source>
        <translation>多个请用逗号或顿号分隔</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="146"/>
        <source>&amp;Aliases</source>
        <translation>别名/绰号(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="149"/>
        <source>&amp;Phone</source>
        <translation>联系电话(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="151"/>
        <source>&amp;Household address</source>
        <translation>户籍地(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="153"/>
        <source>Re&amp;sidence address</source>
        <translation>居住地(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="155"/>
        <source>&amp;First found on</source>
        <translation>初次发现日期(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="158"/>
        <source>No&amp;tes</source>
        <translation>备注(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="164"/>
        <source>&amp;Drugs used</source>
        <translation>滥用毒品种类(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="169"/>
        <source>Ris&amp;k colour</source>
        <translation>风险等级(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="174"/>
        <source>Assigned &amp;worker</source>
        <translation>责任专干(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="218"/>
        <source>From the ID number</source>
        <translation>根据身份证号码自动填写</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="223"/>
        <source>Register with the measure already decided</source>
        <translation>同时登记已作出的措施决定</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="232"/>
        <source>&amp;Measure</source>
        <translation>措施(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="234"/>
        <source>&amp;Ordered on</source>
        <translation>决定日期(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="236"/>
        <source>e.g. the county public security bureau</source>
        <translation>例如：县公安局</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="237"/>
        <source>Ordered &amp;by</source>
        <translation>决定机关(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="239"/>
        <source>Doc&amp;ument no.</source>
        <translation>决定书文号(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="241"/>
        <source>R&amp;eported on</source>
        <translation>报到日期(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/person_form.py" line="326"/>
        <source>(no longer active)</source>
        <translation>（已停用）</translation>
    </message>
</context>
<context>
    <name>PoliceReportForm</name>
    <message>
        <location filename="../../ui/forms/police_report_form.py" line="21"/>
        <source>Record a report to the police</source>
        <translation>登记报告公安机关</translation>
    </message>
    <message>
        <location filename="../../ui/forms/police_report_form.py" line="24"/>
        <source>Correct a report to the police</source>
        <translation>更正报告公安机关记录</translation>
    </message>
    <message>
        <location filename="../../ui/forms/police_report_form.py" line="30"/>
        <source>Police station or officer told</source>
        <translation>接报的派出所或民警</translation>
    </message>
    <message>
        <location filename="../../ui/forms/police_report_form.py" line="32"/>
        <source>&amp;Date reported</source>
        <translation>报告日期(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/police_report_form.py" line="33"/>
        <source>&amp;What was reported</source>
        <translation>报告事项(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/police_report_form.py" line="34"/>
        <source>&amp;Reported to</source>
        <translation>报告对象(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/police_report_form.py" line="35"/>
        <source>&amp;Notes</source>
        <translation>备注(&amp;N)</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../ui/forms/reason_dialog.py" line="51"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../ui/forms/reason_dialog.py" line="54"/>
        <source>e.g. wrong date entered</source>
        <translation>例如：日期录入错误</translation>
    </message>
    <message>
        <location filename="../../ui/forms/reason_dialog.py" line="55"/>
        <source>&amp;Reason</source>
        <translation>原因(&amp;R)</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <location filename="../../ui/login.py" line="128"/>
        <source>Reset a password with the recovery key</source>
        <translation>使用恢复密钥重设密码</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="132"/>
        <source>User</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="135"/>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="138"/>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="141"/>
        <source>New password again</source>
        <translation>确认新密码</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="147"/>
        <source>&amp;User</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="148"/>
        <source>&amp;Recovery key</source>
        <translation>恢复密钥(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="149"/>
        <source>&amp;New password</source>
        <translation>新密码(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="150"/>
        <source>New password &amp;again</source>
        <translation>确认新密码(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="160"/>
        <source>The recovery key was shown once when the office was set up, to be kept in the office safe.</source>
        <translation>恢复密钥仅在建立办公室时显示过一次，应存放在办公室保险柜中。</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="178"/>
        <source>Resetting the password…</source>
        <translation>正在重设密码…</translation>
    </message>
</context>
<context>
    <name>RecoveryPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="264"/>
        <source>The recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="267"/>
        <source>This key is shown only now. Print it or write it down and keep it in the office safe: it is the only way back in if every password is forgotten.</source>
        <translation>恢复密钥只在此时显示一次。请打印或抄写下来，存放在办公室保险柜中：所有密码都遗忘时，只能凭它重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="276"/>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="278"/>
        <source>I have printed or written down the recovery key and stored it safely</source>
        <translation>我已打印或抄写恢复密钥，并已妥善保管</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="281"/>
        <source>&amp;Print…</source>
        <translation>打印(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="300"/>
        <source>RehabDesk recovery key</source>
        <translation>社区戒毒康复工作台恢复密钥</translation>
    </message>
</context>
<context>
    <name>ReportForm</name>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="106"/>
        <source>Record the report</source>
        <translation>登记报到</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="110"/>
        <source>%1, ordered on %2</source>
        <translation>%1，%2 决定</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="114"/>
        <source>Measure</source>
        <translation>措施</translation>
    </message>
    <message>
        <location filename="../../ui/forms/measure_form.py" line="116"/>
        <source>&amp;Reported on</source>
        <translation>报到日期(&amp;R)</translation>
    </message>
</context>
<context>
    <name>ReturnedTable</name>
    <message>
        <location filename="../../ui/pages/today.py" line="110"/>
        <source>Returned</source>
        <translation>退回时间</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="111"/>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="112"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="113"/>
        <source>Comment</source>
        <translation>审核意见</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="114"/>
        <source>Returned by</source>
        <translation>退回人</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="115"/>
        <source>Recorded by</source>
        <translation>记录人</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="118"/>
        <source>Records returned for correction</source>
        <translation>退回修改的记录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="136"/>
        <source>v%1</source>
        <translation>第 %1 版</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="142"/>
        <source>a supervisor</source>
        <translation>审核人员</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <location filename="../../ui/pages/review.py" line="116"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="116"/>
        <source>Record</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="116"/>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="93"/>
        <location filename="../../ui/pages/review.py" line="116"/>
        <source>Recorded by</source>
        <translation>记录人</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="90"/>
        <source>Records in the queue</source>
        <translation>待审核记录数</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="94"/>
        <location filename="../../ui/pages/review.py" line="256"/>
        <source>All workers</source>
        <translation>全部专干</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="96"/>
        <source>Kind of record</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="97"/>
        <source>All records</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="102"/>
        <source>From</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="104"/>
        <source>To</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="105"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="116"/>
        <source>State</source>
        <translation>审核状态</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="118"/>
        <source>Records awaiting review</source>
        <translation>待审核记录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="129"/>
        <source>Sign off selected</source>
        <translation>审核通过所选记录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="131"/>
        <source>Return with a comment…</source>
        <translation>退回修改…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="135"/>
        <source>Worker:</source>
        <translation>记录人：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="135"/>
        <source>Record:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="101"/>
        <source>From:</source>
        <translation>日期从：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="103"/>
        <source>To:</source>
        <translation>至：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="156"/>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="220"/>
        <source>v%1</source>
        <translation>第 %1 版</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="233"/>
        <source>Returned by %1 on %2: %3</source>
        <translation>%1 于 %2 退回：%3</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="240"/>
        <source>%1 record(s) awaiting review match the filters</source>
        <translation>符合筛选条件的待审核记录 %1 条</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="242"/>
        <source>%1 record(s) awaiting review</source>
        <translation>%1 条记录待审核</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="251"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="281"/>
        <source>Sign off</source>
        <translation>审核签字</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="282"/>
        <source>Sign off %1 records? Signed-off records can no longer be corrected.</source>
        <translation>确定审核通过这 %1 条记录吗？审核签字后将不能再更正。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="293"/>
        <source>Signing off…</source>
        <translation>正在审核签字…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="302"/>
        <location filename="../../ui/pages/review.py" line="307"/>
        <source>Return for correction</source>
        <translation>退回修改</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="303"/>
        <source>Return one record at a time: each needs its own comment.</source>
        <translation>请逐条退回：每条记录都要填写各自的审核意见。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/review.py" line="307"/>
        <source>What should be corrected?</source>
        <translation>需要修改哪些内容？</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../ui/pages/settings.py" line="37"/>
        <source>Display and security</source>
        <translation>显示与安全</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="40"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="48"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="50"/>
        <source>Lock after idle minutes</source>
        <translation>空闲自动锁定时间（分钟）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="52"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="54"/>
        <source>Lock after &amp;idle</source>
        <translation>空闲自动锁定(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="56"/>
        <source>My password</source>
        <translation>我的密码</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="60"/>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="63"/>
        <source>New password again</source>
        <translation>确认新密码</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="64"/>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="68"/>
        <source>&amp;New password</source>
        <translation>新密码(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="69"/>
        <source>New password &amp;again</source>
        <translation>确认新密码(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="73"/>
        <source>About this installation</source>
        <translation>本机安装信息</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="75"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="76"/>
        <source>Office</source>
        <translation>办公室</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="77"/>
        <source>Data folder</source>
        <translation>数据目录</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="78"/>
        <source>Copy diagnostics</source>
        <translation>复制诊断信息</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="81"/>
        <source>Versions, checks and recent log lines, without personal data, to paste into a support request</source>
        <translation>版本、检查结果和最近的日志，不含个人信息，可粘贴到技术支持请求中</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="93"/>
        <source>This administrator account manages users, settings, backups, devices and the audit; by privacy default it does not open people&apos;s files. To work on files, log in as a worker or a supervisor.</source>
        <translation>管理员账号负责用户、设置、备份、设备和审计，出于隐私保护默认不查看人员档案。如需办理人员档案，请使用禁毒专干或审核人员账号登录。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="105"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="113"/>
        <source>Copied. Paste it into your message to IT staff.</source>
        <translation>已复制。请粘贴到发给信息技术人员的消息中。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="117"/>
        <source>The new language applies when RehabDesk starts next time.</source>
        <translation>新的语言将在下次启动本工作台时生效。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="131"/>
        <source>Changing the password…</source>
        <translation>正在修改密码…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="138"/>
        <source>Your password was changed.</source>
        <translation>密码已修改。</translation>
    </message>
</context>
<context>
    <name>StatusForm</name>
    <message>
        <location filename="../../ui/forms/status_form.py" line="80"/>
        <source>Transfer out</source>
        <translation>迁出</translation>
    </message>
    <message>
        <location filename="../../ui/forms/status_form.py" line="80"/>
        <source>Change status</source>
        <translation>变更状态</translation>
    </message>
    <message>
        <location filename="../../ui/forms/status_form.py" line="95"/>
        <source>The new office, and why the person moved</source>
        <translation>迁入地办公室及迁出原因</translation>
    </message>
    <message>
        <location filename="../../ui/forms/status_form.py" line="97"/>
        <source>Why, in a few words</source>
        <translation>简要说明原因</translation>
    </message>
    <message>
        <location filename="../../ui/forms/status_form.py" line="99"/>
        <source>Current status</source>
        <translation>当前状态</translation>
    </message>
    <message>
        <location filename="../../ui/forms/status_form.py" line="100"/>
        <source>&amp;New status</source>
        <translation>新状态(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/status_form.py" line="101"/>
        <source>&amp;Date</source>
        <translation>变更日期(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/status_form.py" line="102"/>
        <source>&amp;Reason</source>
        <translation>原因(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/status_form.py" line="113"/>
        <source>No change of status is possible now.</source>
        <translation>目前无法变更状态。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/status_form.py" line="120"/>
        <source>“%1” is not possible from the current status.</source>
        <translation>当前状态下不能变更为“%1”。</translation>
    </message>
</context>
<context>
    <name>SubstanceTable</name>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="43"/>
        <source>Substance tested</source>
        <translation>检测项目</translation>
    </message>
    <message>
        <location filename="../../ui/forms/drug_test_form.py" line="43"/>
        <source>Positive</source>
        <translation>阳性</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="36"/>
        <source>Sync state</source>
        <translation>同步状态</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="39"/>
        <source>Sync details</source>
        <translation>同步详情</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="42"/>
        <source>Last sync problem</source>
        <translation>最近一次同步问题</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="43"/>
        <location filename="../../ui/pages/sync_page.py" line="44"/>
        <location filename="../../ui/pages/sync_page.py" line="119"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="46"/>
        <location filename="../../ui/pages/sync_page.py" line="47"/>
        <source>Send refused changes again</source>
        <translation>重新发送被拒绝的修改</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="58"/>
        <source>Record</source>
        <translation>记录编号</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="59"/>
        <location filename="../../ui/pages/sync_page.py" line="73"/>
        <source>Kind of record</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="60"/>
        <source>Saved at</source>
        <translation>保存时间</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="61"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="62"/>
        <source>What to do</source>
        <translation>处理建议</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="71"/>
        <source>Changes refused by the server</source>
        <translation>被服务器拒绝的更改</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="73"/>
        <source>Changes waiting</source>
        <translation>待同步更改</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="75"/>
        <source>Changes waiting by kind</source>
        <translation>各类待同步更改</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="88"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="119"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/sync_page.py" line="130"/>
        <source>This computer is not enrolled with a sync server yet. Every change is saved safely here; %n change(s) will be sent once IT staff enrol it.</source>
        <translation>
            <numerusform>本机尚未接入同步服务器。所有更改都已安全保存在本机；信息技术人员完成接入后，将上传 %n 条更改。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="142"/>
        <source>Server: %1 (this computer: %2, scope %3)</source>
        <translation>服务器：%1（本机编号：%2，数据范围：%3）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="146"/>
        <source>Last successful sync: %1</source>
        <translation>上次成功同步：%1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="148"/>
        <source>Not synced successfully yet.</source>
        <translation>尚未成功同步过。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/sync_page.py" line="149"/>
        <source>%n change(s) wait to be sent.</source>
        <translation>
            <numerusform>%n 条更改等待上传。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="153"/>
        <source>Next attempt at %1.</source>
        <translation>将于 %1 再次尝试同步。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/sync_page.py" line="160"/>
        <source>%n of them were saved while this computer&apos;s clock ran fast and are stamped later than now; the server takes them once its clock reaches their time (the last at about %1). Nothing is lost and nothing needs to be entered again.</source>
        <translation>
            <numerusform>其中 %n 条是本机时钟偏快时保存的，时间戳晚于现在；服务器会在它的时钟走到这些时间后接收（最晚约 %1）。数据不会丢失，无需重新录入。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/sync_page.py" line="170"/>
        <source>%n conflict(s) between offices wait for a supervisor&apos;s decision.</source>
        <translation>
            <numerusform>有 %n 处办公室之间的数据冲突，等待审核人员裁定。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/sync_page.py" line="178"/>
        <source>%n received change(s) wait for the record they belong to; they are applied when it arrives.</source>
        <translation>
            <numerusform>已收到 %n 条更改，其所属记录尚未同步到本机；记录到达后将自动生效。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="190"/>
        <source>IT staff withdrew this computer&apos;s sync access. Nothing is lost: the records and the changes waiting to sync stay on this computer. To sync again, ask IT staff to enrol it again.</source>
        <translation>信息技术人员已撤销本机的同步权限。数据不会丢失：所有记录和待同步的更改都保留在本机。如需恢复同步，请联系信息技术人员重新接入本机。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="200"/>
        <source>Offline since %1. %2</source>
        <translation>自 %1 起处于离线状态。%2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="204"/>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/sync_page.py" line="210"/>
        <source>%n change(s) were refused by the server. They stay on this computer and no longer hold up the others:</source>
        <translation>
            <numerusform>服务器拒绝了 %n 条更改。这些更改保留在本机，不再影响其他更改的同步：</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="244"/>
        <source>People</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="245"/>
        <source>Work group members</source>
        <translation>工作小组成员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="246"/>
        <source>Measures</source>
        <translation>措施</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="247"/>
        <source>Status changes</source>
        <translation>状态变更</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync_page.py" line="248"/>
        <source>Reviews</source>
        <translation>审核</translation>
    </message>
</context>
<context>
    <name>SyncScheduler</name>
    <message>
        <location filename="../../ui/sync_scheduler.py" line="216"/>
        <source>All changes are saved on this computer; nothing waits to sync.</source>
        <translation>所有更改均已保存在本机，没有待同步的内容。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_scheduler.py" line="218"/>
        <source>Not connected to a sync server: %n change(s) saved on this computer wait to sync.</source>
        <translation>
            <numerusform>尚未接入同步服务器：本机已保存 %n 条更改，等待同步。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_scheduler.py" line="222"/>
        <source>Sync access was withdrawn by IT staff: %n change(s) are kept on this computer; ask IT staff to enrol it again.</source>
        <translation>
            <numerusform>信息技术人员已撤销本机的同步权限：%n 条更改保留在本机，请联系信息技术人员重新接入。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_scheduler.py" line="229"/>
        <source>The sync server does not accept this computer: ask IT staff to enrol it again. %n change(s) wait on this computer.</source>
        <translation>
            <numerusform>同步服务器拒绝本机访问，请联系信息技术人员重新接入。本机有 %n 条更改等待同步。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_scheduler.py" line="235"/>
        <source>Syncing… %n change(s) waiting.</source>
        <translation>
            <numerusform>正在同步…尚有 %n 条更改待同步。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_scheduler.py" line="237"/>
        <source>Offline since %1: %n change(s) wait to sync; trying again automatically.</source>
        <translation>
            <numerusform>自 %1 起离线：%n 条更改等待同步，系统将自动重试。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_scheduler.py" line="240"/>
        <source>Sync problem (see the Sync page): %n change(s) wait to sync.</source>
        <translation>
            <numerusform>同步出现问题（详见“同步”页面）：%n 条更改等待同步。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_scheduler.py" line="242"/>
        <source>%n change(s) waiting to sync; not synced yet.</source>
        <translation>
            <numerusform>%n 条更改待同步，尚未进行过同步。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_scheduler.py" line="244"/>
        <source>%n change(s) waiting to sync; last sync at %1.</source>
        <translation>
            <numerusform>%n 条更改待同步，上次同步于 %1。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/sync_scheduler.py" line="247"/>
        <source>Everything is synced; last sync at %1.</source>
        <translation>全部更改均已同步，上次同步于 %1。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_scheduler.py" line="252"/>
        <source>%n change(s) refused by the server: see the Sync page.</source>
        <translation>
            <numerusform>服务器拒绝了 %n 条更改，详见“同步”页面。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../ui/timeline.py" line="72"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="78"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="83"/>
        <source>%1, %2 yuan</source>
        <translation>%1，%2 元</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="85"/>
        <location filename="../../ui/timeline.py" line="99"/>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="87"/>
        <source>%1 to %2</source>
        <translation>%1 至 %2</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="90"/>
        <source>back on %1</source>
        <translation>%1 销假</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="91"/>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="97"/>
        <source>reported to the police on %1</source>
        <translation>%1 已报告公安机关</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="103"/>
        <source>valid until %1</source>
        <translation>有效期至 %1</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="115"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="123"/>
        <source>Voided: %1</source>
        <translation>已作废：%1</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="125"/>
        <source>v%1 (corrected: %2)</source>
        <translation>第 %1 版（更正原因：%2）</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="126"/>
        <source>v%1 original</source>
        <translation>第 %1 版（原始记录）</translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <location filename="../../ui/timeline.py" line="212"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="213"/>
        <source>Record</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="214"/>
        <source>Summary</source>
        <translation>内容摘要</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="215"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="216"/>
        <source>Review</source>
        <translation>审核状态</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="217"/>
        <source>Recorded by</source>
        <translation>记录人</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <location filename="../../ui/timeline.py" line="290"/>
        <source>Timeline</source>
        <translation>工作记录</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <location filename="../../ui/pages/today.py" line="163"/>
        <source>Summary of what is due</source>
        <translation>待办摘要</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="164"/>
        <source>Whole office</source>
        <translation>全部人员</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="165"/>
        <source>Show the whole office</source>
        <translation>显示本办公室全部人员的待办事项</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="171"/>
        <source>Tasks and warnings</source>
        <translation>待办事项与预警</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="212"/>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="225"/>
        <source>Working out what is due…</source>
        <translation>正在计算待办事项…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="233"/>
        <source>Returned for correction, waiting for the worker&apos;s corrected version (%1)</source>
        <translation>审核退回、待专干更正的记录（%1 条）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="235"/>
        <source>Returned to you for correction (%1): open one to correct it</source>
        <translation>退回给您更正的记录（%1 条）：双击打开即可更正</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today.py" line="245"/>
        <source>%1 overdue · %2 due · %3 warnings</source>
        <translation>逾期 %1 项 · 待办 %2 项 · 预警 %3 项</translation>
    </message>
</context>
<context>
    <name>ViolationForm</name>
    <message>
        <location filename="../../ui/forms/violation_form.py" line="20"/>
        <source>Record a violation</source>
        <translation>登记违反协议</translation>
    </message>
    <message>
        <location filename="../../ui/forms/violation_form.py" line="23"/>
        <source>Correct a violation</source>
        <translation>更正违反协议记录</translation>
    </message>
    <message>
        <location filename="../../ui/forms/violation_form.py" line="31"/>
        <source>not known</source>
        <translation>不详</translation>
    </message>
    <message>
        <location filename="../../ui/forms/violation_form.py" line="32"/>
        <source> day(s)</source>
        <translation> 天</translation>
    </message>
    <message>
        <location filename="../../ui/forms/violation_form.py" line="35"/>
        <source>Date reported to the police</source>
        <translation>报告公安机关日期</translation>
    </message>
    <message>
        <location filename="../../ui/forms/violation_form.py" line="37"/>
        <source>&amp;Date</source>
        <translation>发生日期(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/violation_form.py" line="38"/>
        <source>&amp;Kind</source>
        <translation>违反情形(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/violation_form.py" line="39"/>
        <source>Days &amp;away</source>
        <translation>离开天数(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/violation_form.py" line="40"/>
        <source>&amp;What happened</source>
        <translation>具体情况(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/violation_form.py" line="41"/>
        <source>&amp;Reported to police</source>
        <translation>报告公安机关(&amp;R)</translation>
    </message>
</context>
<context>
    <name>VisitForm</name>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="36"/>
        <source>Record a visit</source>
        <translation>登记走访谈话</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="39"/>
        <source>Correct a visit</source>
        <translation>更正走访谈话记录</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="47"/>
        <source>Names, separated by 、</source>
        <translation>姓名，用“、”分隔</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="49"/>
        <source>What was found, in a sentence</source>
        <translation>用一句话概括走访情况</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="58"/>
        <source>&amp;Date</source>
        <translation>走访日期(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="59"/>
        <source>&amp;Kind</source>
        <translation>走访方式(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="60"/>
        <source>&amp;Present</source>
        <translation>参加人员(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="61"/>
        <source>&amp;Summary</source>
        <translation>情况摘要(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="62"/>
        <source>&amp;Work</source>
        <translation>就业情况(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="63"/>
        <source>&amp;Family</source>
        <translation>家庭情况(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="64"/>
        <source>&amp;Health</source>
        <translation>身体状况(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="65"/>
        <source>&amp;Mental state</source>
        <translation>心理状态(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="66"/>
        <source>N&amp;eeds</source>
        <translation>帮扶需求(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/visit_form.py" line="67"/>
        <source>&amp;Next contact</source>
        <translation>下次联系日期(&amp;N)</translation>
    </message>
</context>
</TS>
